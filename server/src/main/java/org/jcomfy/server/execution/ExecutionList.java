package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The nodes a prompt must run and the order to run them (§6.2), as ComfyUI's {@code ExecutionList}.
 * It starts from the outputs and pulls in every linked source that is not already cached; among ready
 * nodes it prefers output nodes, then nodes that unblock an output, then nodes two steps from one,
 * then the first, where "first" is ComfyUI's staging order.
 *
 * <p>A topological sort by Kahn's algorithm, linear in the graph: the graph is walked once with an
 * explicit stack, each node knows how many sources it still waits for, and the ready nodes sit in
 * one ordered set per preference. A node's preference never changes while it waits (the nodes it
 * blocks are still pending), so it is computed once.
 */
final class ExecutionList {
    private static final int PREFERENCES = 4;

    /** Node ids in ComfyUI's staging order; a node's position is its index here. */
    private final List<String> staged = new ArrayList<>();
    private final Map<String, Integer> position = new HashMap<>();
    /** node → the nodes waiting for it. */
    private final Map<String, Set<String>> blocking = new HashMap<>();
    /** node → how many of its sources have not completed. */
    private final Map<String, Integer> waitingFor = new HashMap<>();
    private final Map<String, Integer> preference = new HashMap<>();
    /** The ready nodes' positions, one set per preference (0 = output node ... 3 = anything else). */
    private final List<TreeSet<Integer>> ready = new ArrayList<>();
    private int remaining;

    ExecutionList(ObjectNode prompt, List<String> outputs, Predicate<String> isOutputNode, Predicate<String> isCached) {
        for (String o : outputs) add(prompt, o, isCached);
        remaining = staged.size();
        for (int p = 0; p < PREFERENCES; p++) ready.add(new TreeSet<>());
        Set<String> feedsOutput = new HashSet<>();
        for (String id : staged) {
            for (String b : blocking.get(id)) {
                if (isOutputNode.test(b)) {
                    feedsOutput.add(id);
                    break;
                }
            }
        }
        for (String id : staged) {
            int p = 3;
            if (isOutputNode.test(id)) p = 0;
            else if (feedsOutput.contains(id)) p = 1;
            else if (blocking.get(id).stream().anyMatch(feedsOutput::contains)) p = 2;
            preference.put(id, p);
            if (waitingFor.get(id) == 0) ready.get(p).add(position.get(id));
        }
    }

    /**
     * ComfyUI's {@code add_node}: a depth-first walk with an explicit stack (the last input's source
     * is staged first, as there); the dependency edges are recorded once the walk is done.
     */
    private void add(ObjectNode prompt, String root, Predicate<String> isCached) {
        List<String> toVisit = new ArrayList<>(List.of(root));
        List<String[]> links = new ArrayList<>();
        while (!toVisit.isEmpty()) {
            String id = toVisit.removeLast();
            if (position.containsKey(id)) continue;
            position.put(id, staged.size());
            staged.add(id);
            blocking.put(id, new LinkedHashSet<>());
            waitingFor.put(id, 0);
            for (var it = prompt.path(id).path("inputs").fields(); it.hasNext(); ) {
                JsonNode v = it.next().getValue();
                if (!NodeValues.isLink(v)) continue;
                String source = v.get(0).textValue();
                if (isCached.test(source)) continue;
                toVisit.add(source);
                links.add(new String[] {source, id});
            }
        }
        for (String[] link : links) {
            if (blocking.get(link[0]).add(link[1])) waitingFor.merge(link[1], 1, Integer::sum);
        }
    }

    boolean isEmpty() { return remaining == 0; }

    /** The next node to run, or null when nodes remain but none is ready (a cycle). */
    String next() {
        for (TreeSet<Integer> r : ready) if (!r.isEmpty()) return staged.get(r.first());
        return null;
    }

    /** Marks a node done, releasing the nodes that waited for it. */
    void complete(String nodeId) {
        Integer p = preference.remove(nodeId);
        if (p == null) return;
        ready.get(p).remove(position.get(nodeId));
        remaining--;
        for (String waiter : blocking.get(nodeId)) {
            int left = waitingFor.merge(waiter, -1, Integer::sum);
            if (left == 0) ready.get(preference.get(waiter)).add(position.get(waiter));
        }
    }
}
