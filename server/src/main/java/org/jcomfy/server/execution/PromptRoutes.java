package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;

/**
 * {@code POST /prompt} (§2): priority number, prompt_id check, validation, extra_data with the
 * client id and creation time, the sensitive keys moved aside, and the queue. {@code GET /prompt}
 * reports the queue length for clients without a WebSocket. Beyond ComfyUI, the prompt may also be
 * a UI-format workflow (the file the frontend saves), converted here exactly as {@code jcomfy run}
 * converts it, so a script can submit a user's saved file as it is.
 */
final class PromptRoutes {
    private static final List<String> SENSITIVE_KEYS = List.of("auth_token_comfy_org", "api_key_comfy_org");

    private final PromptQueue queue;
    private final PromptValidator validator;
    private final AtomicLong counter;
    private final UiWorkflowConverter converter;

    /** @param firstNumber the number of the first prompt without one (after a restart: past the resumed ones) */
    PromptRoutes(PromptQueue queue, PromptValidator validator, UiWorkflowConverter converter, long firstNumber) {
        this.queue = queue;
        this.validator = validator;
        this.converter = converter;
        this.counter = new AtomicLong(firstNumber);
    }

    void getPrompt(Context ctx) {
        ObjectNode body = Json.object();
        body.putObject("exec_info").put("queue_remaining", queue.remaining());
        Json.send(ctx, body);
    }

    void postPrompt(Context ctx) {
        ObjectNode request = requestBody(ctx);
        JsonNode number;
        if (request.has("number")) {
            number = Json.NODES.numberNode(priority(request.get("number")));
        } else {
            long c = counter.getAndIncrement();
            number = Json.NODES.numberNode(InputCoercion.truthy(request.get("front")) ? -c : c);
        }
        JsonNode promptNode = request.get("prompt");
        if (promptNode == null) throw ApiError.prompt("no_prompt", "No prompt provided", "No prompt provided");
        if (!(promptNode instanceof ObjectNode given)) {
            throw ApiError.prompt("invalid_prompt", "The prompt must be an API-format graph (a JSON object)",
                    "prompt is " + Json.kind(promptNode) + ", not object");
        }
        boolean uiFormat = UiWorkflowConverter.isUiWorkflow(given);
        ObjectNode prompt = uiFormat ? converted(given) : given;
        String promptId = promptIdOf(request.get("prompt_id"));
        if (promptId == null) {
            throw ApiError.prompt("invalid_prompt_id", "Invalid prompt_id format",
                    "prompt_id must be a valid UUID string, got " + request.get("prompt_id"));
        }
        List<String> partial = null;
        JsonNode targets = request.get("partial_execution_targets");
        if (targets != null && !targets.isNull()) {
            if (!targets.isArray()) {
                throw ApiError.prompt("invalid_partial_execution_targets", "partial_execution_targets must be a list of node ids",
                        "partial_execution_targets is " + Json.kind(targets) + ", not array");
            }
            partial = new ArrayList<>();
            for (JsonNode t : targets) partial.add(t.asText());
        }
        ValidationResult result = validator.validate(prompt, partial);

        JsonNode extra = request.get("extra_data");
        ObjectNode extraData = extra != null && extra.isObject() ? (ObjectNode) extra : Json.object();
        if (uiFormat && !extraData.path("extra_pnginfo").has("workflow")) {
            // saved files embed the graph the user saved, as when the frontend submits it
            ObjectNode pngInfo = extraData.path("extra_pnginfo").isObject() ? (ObjectNode) extraData.get("extra_pnginfo")
                    : extraData.putObject("extra_pnginfo");
            pngInfo.set("workflow", given);
        }
        if (request.has("client_id")) extraData.set("client_id", request.get("client_id"));
        if (!result.valid()) throw ApiError.prompt(result.error(), result.nodeErrors());
        ObjectNode sensitive = Json.object();
        for (String key : SENSITIVE_KEYS) {
            if (extraData.has(key)) sensitive.set(key, extraData.remove(key));
        }
        String usage = ctx.header("Comfy-Usage-Source");
        if (usage != null && !extraData.has("comfy_usage_source")) extraData.put("comfy_usage_source", usage);
        extraData.put("create_time", System.currentTimeMillis());
        queue.put(new QueueItem(number, promptId, prompt, extraData, result.outputs(), sensitive));

        ObjectNode body = Json.object().put("prompt_id", promptId);
        body.set("number", number);
        body.set("node_errors", result.nodeErrors());
        Json.send(ctx, body);
    }

    /** A UI-format workflow as an API prompt; a graph the converter cannot read is the client's error. */
    private ObjectNode converted(ObjectNode workflow) {
        try {
            return converter.convert(workflow);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw ApiError.prompt("invalid_prompt", "The UI-format workflow could not be converted: " + why,
                    "converting the workflow's nodes and links: " + why);
        }
    }

    /**
     * The body as a JSON object. Upstream lets {@code json.loads} raise (a 500 page); a client's
     * malformed body is a 400 here, in the shape of the route's other refusals.
     */
    private static ObjectNode requestBody(Context ctx) {
        try {
            return Json.objectBody(ctx);
        } catch (ApiError e) {
            throw ApiError.prompt("invalid_json", e.getMessage(), e.getMessage());
        }
    }

    /** {@code float(number)} as upstream computes the priority; what Python refuses, or NaN and infinity, is a 400. */
    private static double priority(JsonNode n) {
        double d;
        try {
            d = n.isNumber() ? n.doubleValue() : InputCoercion.toFloat(n);
        } catch (InputCoercion.Failure f) {
            throw ApiError.prompt("invalid_number", "number must be a number (the queue priority)", f.getMessage());
        }
        if (!Double.isFinite(d)) {
            throw ApiError.prompt("invalid_number", "number must be a finite number (the queue priority)", "number is " + n);
        }
        return d;
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
