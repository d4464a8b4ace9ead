package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jcomfy.server.http.Json;

/**
 * One queued prompt: ComfyUI's tuple {@code (number, prompt_id, prompt, extra_data, outputs, sensitive)}.
 * The sensitive slot (Comfy Org tokens) is never shown by /queue, /history or /api/jobs.
 *
 * @param number    the priority; lower runs first (an int from the counter or the client's float)
 * @param sensitive removed {@code extra_data} keys, merged back only for execution
 */
record QueueItem(JsonNode number, String promptId, ObjectNode prompt, ObjectNode extraData, List<String> outputs,
                 ObjectNode sensitive) {

    /** The public 5-tuple {@code [number, prompt_id, prompt, extra_data, outputs_to_execute]}. */
    ArrayNode tuple() {
        ArrayNode t = Json.array();
        t.add(number);
        t.add(promptId);
        t.add(prompt);
        t.add(extraData);
        ArrayNode o = t.addArray();
        outputs.forEach(o::add);
        return t;
    }

    /** {@code extra_data.client_id}, or null when the prompt came without one. */
    String clientId() {
        JsonNode c = extraData.get("client_id");
        return c == null || c.isNull() ? null : c.asText();
    }

    long createTime() { return extraData.path("create_time").asLong(0); }
}
