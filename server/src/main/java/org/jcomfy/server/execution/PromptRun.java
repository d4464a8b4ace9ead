package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.Set;
import org.jcomfy.server.http.Json;
import org.jcomfy.nodes.api.ExecutionInterrupted;
import org.jcomfy.nodes.api.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one prompt (§6.1–6.9): {@code execution_start}, {@code execution_cached}, then the
 * execution list node by node with {@code executing}/{@code executed} events, and finally
 * {@code execution_success}, {@code execution_error} or {@code execution_interrupted}. A failing
 * node stops the prompt and never escapes as an exception. Returns the history entry.
 */
final class PromptRun {
    private static final Logger LOG = LoggerFactory.getLogger(PromptRun.class);

    private final QueueItem item;
    private final RunServices services;
    private final PromptEvents events;
    private final ProgressState progressState;
    private volatile String executingNode;

    // What the run has done so far, for the history entry and for an execution_error at any point.
    private final Map<String, Object> keyOf = new HashMap<>();
    private final Map<String, NodeResult> results = new HashMap<>();
    private final SequencedSet<String> executed = new LinkedHashSet<>();
    private final List<String> cachedAtStart = new ArrayList<>();
    private final ObjectNode uiOutputs = Json.object();
    private final ObjectNode meta = Json.object();

    PromptRun(QueueItem item, RunServices services) {
        this.item = item;
        this.services = services;
        this.events = new PromptEvents(services.sessions(), item.clientId());
        this.progressState = new ProgressState(item.promptId(), events);
    }

    String clientId() { return events.clientId(); }

    /** The node now executing (for a client that reconnects mid-run), or null. */
    String executingNode() { return executingNode; }

    /**
     * Runs the prompt and returns its history entry. Nothing escapes: a failure outside any node
     * (cache keys, ordering, an event) is reported like a node's, as an {@code execution_error}
     * with no node to blame, so the client and the history both say what happened.
     */
    ObjectNode run() {
        boolean success;
        try {
            events.lifecycle("execution_start", Json.object().put("prompt_id", item.promptId()), false);
            success = runNodes();
        } catch (Throwable t) {
            LOG.warn("prompt {} failed outside any node", item.promptId(), t);
            failure(null, t, t.getClass().getName(), "Prompt failed outside any node: " + t, Map.of());
            success = false;
        }
        executingNode = null;
        // Sealed against a cancel that races the last node: once sealed, a cancel answers false, so
        // a cancel that answered true always ends the prompt as interrupted.
        if (success && !services.interrupt().seal()) {
            interrupted(executed.isEmpty() ? null : executed.getLast());
            success = false;
        }
        if (success) events.lifecycle("execution_success", Json.object().put("prompt_id", item.promptId()), false);
        return historyEntry(success);
    }

    private boolean runNodes() {
        String promptId = item.promptId();
        ObjectNode prompt = item.prompt();
        CacheKeys keys = new CacheKeys(prompt, services.registry(), services.environment());
        prompt.fieldNames().forEachRemaining(id -> keyOf.put(id, keys.keyOf(id)));
        services.cache().prepareFor(new HashSet<>(keyOf.values()));
        for (String id : (Iterable<String>) prompt::fieldNames) if (services.cache().get(keyOf.get(id)) != null) cachedAtStart.add(id);
        ObjectNode cachedData = Json.object();
        cachedAtStart.forEach(cachedData.putArray("nodes")::add);
        cachedData.put("prompt_id", promptId);
        events.lifecycle("execution_cached", cachedData, false);

        // Cached sources are read once, here: a bounded cache may evict them while the prompt runs.
        ExecutionList list = new ExecutionList(prompt, item.outputs(), this::isOutputNode, id -> {
            NodeResult hit = results.containsKey(id) ? results.get(id) : services.cache().get(keyOf.get(id));
            if (hit != null) results.put(id, hit);
            return hit != null;
        });
        while (!list.isEmpty()) {
            String id = list.next();
            if (id == null) {
                failure(null, new IllegalStateException("Dependency cycle detected"), "graph.DependencyCycleError",
                        "Dependency cycle detected", Map.of());
                return false;
            }
            NodeResult cached = results.containsKey(id) ? results.get(id) : services.cache().get(keyOf.get(id));
            if (cached != null) {
                replayCached(id, cached);
                results.put(id, cached);
            } else if (!execute(id)) {
                return false;
            }
            executed.add(id);
            list.complete(id);
        }
        return true;
    }

    private boolean isOutputNode(String id) {
        Node n = services.registry().get(item.prompt().path(id).path("class_type").asText());
        return n != null && n.schema().outputNode();
    }

    /** A cached output node: its stored UI is sent again and recorded, as ComfyUI does. */
    private void replayCached(String id, NodeResult cached) {
        JsonNode ui = cached.ui() == null ? null : Json.MAPPER.valueToTree(cached.ui());
        ObjectNode data = Json.object().put("node", id).put("display_node", id);
        data.set("output", ui);
        data.put("prompt_id", item.promptId());
        events.toClient("executed", data);
        if (ui != null) {
            uiOutputs.set(id, ui);
            meta.set(id, metaOf(id));
        }
    }

    private boolean execute(String id) {
        NodeCall call = null;
        try {
            if (services.interrupt().isRaised()) throw new ExecutionInterrupted();
            Node node = services.registry().get(classTypeOf(id));
            // Validation saw the class; a prompt kept from before a restart may name one gone since.
            if (node == null) throw new IllegalStateException("node class " + classTypeOf(id) + " is not installed");
            executingNode = id;
            ObjectNode executing = Json.object().put("node", id).put("display_node", id).put("prompt_id", item.promptId());
            progressState.start(id);
            events.toClient("executing", executing);
            call = new NodeCall(node, (ObjectNode) item.prompt().get(id).get("inputs"),
                    this::upstreamValues, type -> hiddenValue(type, id));
            RunningContext context = new RunningContext(services.environment(), item, id, events, progressState, services.interrupt(),
                    services.sessions(), services.defaultPreviewMethod());
            NodeResult result = call.run(context);
            results.put(id, result);
            services.cache().put(keyOf.get(id), result);
            if (result.ui() != null) {
                JsonNode ui = Json.MAPPER.valueToTree(result.ui());
                uiOutputs.set(id, ui);
                meta.set(id, metaOf(id));
                ObjectNode data = Json.object().put("node", id).put("display_node", id);
                data.set("output", ui);
                data.put("prompt_id", item.promptId());
                events.toClient("executed", data);
            }
            progressState.finish(id);
            return true;
        } catch (ExecutionInterrupted e) {
            interrupted(id);
            return false;
        } catch (Throwable t) {
            if (t instanceof OutOfMemoryError) services.environment().shared().clear();
            failure(id, t, t.getClass().getName(), String.valueOf(t.getMessage()), call == null ? Map.of() : call.inputs());
            return false;
        }
    }

    /** {@code execution_interrupted} at {@code nodeId} (null when no node had run). */
    private void interrupted(String nodeId) {
        ObjectNode data = Json.object().put("prompt_id", item.promptId()).put("node_id", nodeId)
                .put("node_type", nodeId == null ? null : classTypeOf(nodeId));
        executed.forEach(data.putArray("executed")::add);
        events.lifecycle("execution_interrupted", data, true);
    }

    private List<Object> upstreamValues(JsonNode link) {
        String source = link.get(0).textValue();
        NodeResult r = results.get(source);
        if (r == null) r = services.cache().get(keyOf.get(source));
        if (r == null) throw new IllegalStateException("node " + source + " has no output to read");
        return r.outputs().get(link.get(1).intValue());
    }

    private Object hiddenValue(String type, String nodeId) {
        return switch (type) {
            case "PROMPT", "DYNPROMPT" -> item.prompt();
            case "EXTRA_PNGINFO" -> item.extraData().get("extra_pnginfo");
            case "UNIQUE_ID" -> nodeId;
            case "AUTH_TOKEN_COMFY_ORG", "API_KEY_COMFY_ORG" -> textOrNull(item.sensitive().get(type.toLowerCase()));
            case "COMFY_USAGE_SOURCE" -> textOrNull(item.extraData().get("comfy_usage_source"));
            default -> null;
        };
    }

    private static String textOrNull(JsonNode v) { return v == null || v.isNull() ? null : v.asText(); }

    /** {@code execution_error}; {@code nodeId} null when the failure is not a node's. */
    private void failure(String nodeId, Throwable t, String exceptionType, String message, Map<String, List<Object>> inputs) {
        ObjectNode data = Json.object().put("prompt_id", item.promptId());
        data.put("node_id", nodeId);
        data.put("node_type", nodeId == null ? null : classTypeOf(nodeId));
        executed.forEach(data.putArray("executed")::add);
        if (t instanceof OutOfMemoryError) {
            message += "\nThis error means you ran out of memory on your device.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.";
        }
        data.put("exception_message", message);
        data.put("exception_type", exceptionType);
        ArrayNode tb = data.putArray("traceback");
        for (StackTraceElement e : t.getStackTrace()) tb.add("  at " + e + "\n");
        ObjectNode current = data.putObject("current_inputs");
        for (var e : inputs.entrySet()) {
            ArrayNode values = current.putArray(e.getKey());
            for (Object v : e.getValue()) values.add(formatValue(v));
        }
        cachedAtStart.forEach(data.putArray("current_outputs")::add);
        events.lifecycle("execution_error", data, false);
    }

    private String classTypeOf(String nodeId) {
        JsonNode classType = item.prompt().path(nodeId).get("class_type");
        return classType == null ? null : classType.asText();
    }

    /** ComfyUI's {@code format_value}: primitives as they are, anything else as its text. */
    private static JsonNode formatValue(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) return Json.MAPPER.valueToTree(v);
        return Json.NODES.textNode(String.valueOf(v));
    }

    private ObjectNode metaOf(String id) {
        ObjectNode m = Json.object().put("node_id", id).put("display_node", id);
        m.putNull("parent_node");
        m.put("real_node_id", id);
        return m;
    }

    private ObjectNode historyEntry(boolean success) {
        ObjectNode entry = Json.object();
        entry.set("prompt", item.tuple());
        entry.set("outputs", uiOutputs);
        ObjectNode status = entry.putObject("status");
        status.put("status_str", success ? "success" : "error");
        status.put("completed", success);
        status.set("messages", events.messages());
        entry.set("meta", meta);
        return entry;
    }
}
