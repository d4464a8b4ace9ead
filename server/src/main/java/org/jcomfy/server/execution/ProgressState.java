package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.server.http.Json;

/**
 * The {@code progress_state} message: every started node of the prompt with its value, max and
 * state (running or finished), sent on node start, each progress update and node finish.
 */
final class ProgressState {
    private final String promptId;
    private final PromptEvents events;
    private final Map<String, ObjectNode> nodes = new LinkedHashMap<>();

    ProgressState(String promptId, PromptEvents events) {
        this.promptId = promptId;
        this.events = events;
    }

    synchronized void start(String nodeId) { update(nodeId, 0, 1, "running"); }

    synchronized void progress(String nodeId, double value, double max) { update(nodeId, value, max, "running"); }

    synchronized void finish(String nodeId) {
        ObjectNode n = nodes.get(nodeId);
        double max = n == null ? 1 : n.get("max").doubleValue();
        update(nodeId, max, max, "finished");
    }

    private void update(String nodeId, double value, double max, String state) {
        ObjectNode n = Json.object();
        n.put("value", value);
        n.put("max", max);
        n.put("state", state);
        n.put("node_id", nodeId);
        n.put("prompt_id", promptId);
        n.put("display_node_id", nodeId);
        n.putNull("parent_node_id");
        n.put("real_node_id", nodeId);
        nodes.put(nodeId, n);
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        ObjectNode all = data.putObject("nodes");
        nodes.forEach(all::set);
        events.toClientOrEveryone("progress_state", data);
    }
}
