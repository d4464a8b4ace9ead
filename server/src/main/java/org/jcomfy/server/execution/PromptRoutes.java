package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /prompt} (§2): priority number, prompt_id check, validation, extra_data with the
 * client id and creation time, the sensitive keys moved aside, and the queue. {@code GET /prompt}
 * reports the queue length for clients without a WebSocket.
 */
final class PromptRoutes {
    private static final List<String> SENSITIVE_KEYS = List.of("auth_token_comfy_org", "api_key_comfy_org");

    private final PromptQueue queue;
    private final PromptValidator validator;
    private final AtomicLong counter;

    /** @param firstNumber the number of the first prompt without one (after a restart: past the resumed ones) */
    PromptRoutes(PromptQueue queue, PromptValidator validator, long firstNumber) {
        this.queue = queue;
        this.validator = validator;
        this.counter = new AtomicLong(firstNumber);
    }

    void getPrompt(Context ctx) {
        ObjectNode body = Json.object();
        body.putObject("exec_info").put("queue_remaining", queue.remaining());
        Responses.json(ctx, 200, body);
    }

    void postPrompt(Context ctx) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(ctx.body());
        } catch (Exception e) {
            Responses.serverError(ctx);
            return;
        }
        if (request == null || !request.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        JsonNode number;
        if (request.has("number")) {
            JsonNode n = request.get("number");
            double d;
            try {
                d = n.isNumber() ? n.doubleValue() : InputCoercion.toFloat(n);
            } catch (InputCoercion.Failure f) {
                Responses.serverError(ctx);
                return;
            }
            number = Json.NODES.numberNode(d);
        } else {
            long c = counter.getAndIncrement();
            number = Json.NODES.numberNode(InputCoercion.truthy(request.get("front")) ? -c : c);
        }
        JsonNode promptNode = request.get("prompt");
        if (promptNode == null) {
            Responses.json(ctx, 400, ErrorJson.response(
                    ErrorJson.of("no_prompt", "No prompt provided", "No prompt provided", null), null));
            return;
        }
        if (!promptNode.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        String promptId = promptIdOf(request.get("prompt_id"));
        if (promptId == null) {
            Responses.json(ctx, 400, ErrorJson.response(ErrorJson.of("invalid_prompt_id", "Invalid prompt_id format",
                    "prompt_id must be a valid UUID string, got " + request.get("prompt_id"), null), null));
            return;
        }
        List<String> partial = null;
        JsonNode targets = request.get("partial_execution_targets");
        if (targets != null && !targets.isNull()) {
            partial = new ArrayList<>();
            for (JsonNode t : targets) partial.add(t.asText());
        }
        ObjectNode prompt = (ObjectNode) promptNode;
        ValidationResult result = validator.validate(prompt, partial);

        JsonNode extra = request.get("extra_data");
        ObjectNode extraData = extra != null && extra.isObject() ? (ObjectNode) extra : Json.object();
        if (request.has("client_id")) extraData.set("client_id", request.get("client_id"));
        if (!result.valid()) {
            Responses.json(ctx, 400, ErrorJson.response(result.error(), result.nodeErrors()));
            return;
        }
        ObjectNode sensitive = Json.object();
        for (String key : SENSITIVE_KEYS) {
            if (extraData.has(key)) sensitive.set(key, extraData.remove(key));
        }
        String usage = ctx.header("Comfy-Usage-Source");
        if (usage != null && !extraData.has("comfy_usage_source")) extraData.put("comfy_usage_source", usage);
        extraData.put("create_time", Json.nowMillis());
        queue.put(new QueueItem(number, promptId, prompt, extraData, result.outputs(), sensitive));

        ObjectNode body = Json.object().put("prompt_id", promptId);
        body.set("number", number);
        body.set("node_errors", result.nodeErrors());
        Responses.json(ctx, 200, body);
    }

    /** The client's prompt_id when it is a canonical lowercase UUID, a fresh one when absent, else null. */
    static String promptIdOf(JsonNode given) {
        if (given == null || given.isNull()) return UUID.randomUUID().toString();
        if (!given.isTextual()) return null;
        return isCanonicalUuid(given.textValue()) ? given.textValue() : null;
    }

    static boolean isCanonicalUuid(String s) {
        try {
            return UUID.fromString(s).toString().equals(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
