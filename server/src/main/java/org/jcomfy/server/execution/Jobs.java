package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jcomfy.server.http.Json;

/**
 * The unified job view of queue items and history entries (§7.5–7.6), as ComfyUI's
 * {@code comfy_execution/jobs.py}: keys whose value is null are left out, and every job has a
 * numeric {@code create_time} (the frontend drops the whole list otherwise).
 */
final class Jobs {
    static final Set<String> STATUSES = Set.of("pending", "in_progress", "completed", "failed", "cancelled");
    private static final Set<String> PREVIEWABLE = Set.of("images", "video", "audio", "3d");
    private static final Set<String> THREE_D = Set.of(".obj", ".fbx", ".gltf", ".glb", ".usdz");

    private Jobs() {}

    static ObjectNode ofQueueItem(QueueItem item, String status) {
        ObjectNode job = Json.object().put("id", item.promptId()).put("status", status);
        job.set("priority", item.number());
        job.put("create_time", item.createTime());
        job.put("outputs_count", 0);
        putIfPresent(job, "workflow_id", workflowId(item.extraData()));
        return job;
    }

    static ObjectNode ofHistory(String promptId, ObjectNode entry, boolean withDetails) {
        JsonNode tuple = entry.get("prompt");
        JsonNode extraData = tuple.get(3);
        JsonNode status = entry.path("status");
        String statusStr = status.path("status_str").asText(null);
        boolean interrupted = false;
        JsonNode error = null;
        Long start = null, end = null;
        for (JsonNode message : status.path("messages")) {
            String event = message.path(0).asText();
            JsonNode data = message.path(1);
            if (!data.isObject()) continue;
            switch (event) {
                case "execution_start" -> start = data.path("timestamp").asLong();
                case "execution_success" -> end = data.path("timestamp").asLong();
                case "execution_error" -> {
                    end = data.path("timestamp").asLong();
                    error = data;
                }
                case "execution_interrupted" -> {
                    end = data.path("timestamp").asLong();
                    interrupted = true;
                }
                default -> { }
            }
        }
        String jobStatus = "error".equals(statusStr) ? (interrupted ? "cancelled" : "failed") : "completed";
        ObjectNode job = Json.object().put("id", promptId).put("status", jobStatus);
        job.set("priority", tuple.get(0));
        job.put("create_time", extraData.path("create_time").asLong(0));
        if (start != null) job.put("execution_start_time", start);
        if (end != null) job.put("execution_end_time", end);
        if (error != null) job.set("execution_error", error);
        JsonNode outputs = entry.path("outputs");
        int count = 0;
        ObjectNode preview = null, fallback = null;
        for (Iterator<Map.Entry<String, JsonNode>> nodes = outputs.fields(); nodes.hasNext(); ) {
            Map.Entry<String, JsonNode> node = nodes.next();
            if (!node.getValue().isObject()) continue;
            for (Iterator<Map.Entry<String, JsonNode>> media = node.getValue().fields(); media.hasNext(); ) {
                Map.Entry<String, JsonNode> m = media.next();
                if (m.getKey().equals("animated") || !m.getValue().isArray()) continue;
                for (JsonNode file : m.getValue()) {
                    if (m.getKey().equals("text") && file.isTextual()) {
                        count++;
                        if (preview == null && fallback == null) fallback = textPreview(file.textValue(), node.getKey());
                        continue;
                    }
                    if (!file.isObject()) continue;
                    count++;
                    if (preview == null && previewable(m.getKey(), file)) {
                        ObjectNode enriched = ((ObjectNode) file).deepCopy();
                        enriched.put("nodeId", node.getKey());
                        enriched.put("mediaType", m.getKey());
                        if ("output".equals(file.path("type").asText())) preview = enriched;
                        else if (fallback == null) fallback = enriched;
                    }
                }
            }
        }
        job.put("outputs_count", count);
        ObjectNode chosen = preview != null ? preview : fallback;
        if (chosen != null) job.set("preview_output", chosen);
        putIfPresent(job, "workflow_id", workflowId(extraData));
        if (withDetails) {
            job.set("outputs", outputs);
            job.set("execution_status", status);
            ObjectNode workflow = job.putObject("workflow");
            workflow.set("prompt", tuple.get(2));
            workflow.set("extra_data", extraData);
        }
        return job;
    }

    /** A text output as a preview: its first 1024 characters. */
    private static ObjectNode textPreview(String text, String nodeId) {
        ObjectNode p = Json.object().put("content", text.length() > 1024 ? text.substring(0, 1024) : text);
        if (text.length() > 1024) p.put("truncated", true);
        p.put("nodeId", nodeId);
        p.put("mediaType", "text");
        return p;
    }

    private static boolean previewable(String mediaType, JsonNode item) {
        if (PREVIEWABLE.contains(mediaType)) return true;
        String format = item.path("format").asText("");
        if (format.startsWith("video/") || format.startsWith("audio/")) return true;
        String name = item.path("filename").asText("").toLowerCase(Locale.ROOT);
        return THREE_D.stream().anyMatch(name::endsWith);
    }

    private static String workflowId(JsonNode extraData) {
        JsonNode id = extraData.path("extra_pnginfo").path("workflow").path("id");
        return id.isMissingNode() || id.isNull() ? null : id.asText();
    }

    private static void putIfPresent(ObjectNode job, String key, String value) {
        if (value != null) job.put(key, value);
    }
}
