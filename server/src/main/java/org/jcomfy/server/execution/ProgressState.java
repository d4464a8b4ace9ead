package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.server.http.Json;

/**
 * The {@code progress_state} message: every started node of the prompt with its value, max and
 * state (running or finished), sent on node start, each progress update and node finish.
 *
 * <p>ComfyUI lists every started node in every message, which makes a prompt of n nodes send
 * n^2 entries. Here the running nodes are always listed but only the latest {@link #FINISHED_SHOWN}
 * finished ones, so the messages of a long prompt stay bounded. Prompts of up to that many nodes
 * get ComfyUI's messages exactly; in longer ones the oldest finished nodes drop out of the list
 * (the frontend replaces its progress state with each message, so they just lose their bar).
 */
final class ProgressState {
    static final int FINISHED_SHOWN = 64;

    private final String promptId;
    private final PromptEvents events;
    private final Map<String, ObjectNode> nodes = new LinkedHashMap<>();
    /** The finished nodes in {@link #nodes}, oldest first. */
    private final ArrayDeque<String> finished = new ArrayDeque<>();

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
        if (state.equals("finished")) {
            finished.remove(nodeId);
            finished.addLast(nodeId);
            if (finished.size() > FINISHED_SHOWN) nodes.remove(finished.removeFirst());
        }
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        ObjectNode all = data.putObject("nodes");
        nodes.forEach(all::set);
        events.toClientOrEveryone("progress_state", data);
    }
}
