package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The nodes a prompt must run and the order to run them (§6.2). It starts from the outputs and
 * pulls in every linked source that is not already cached; among ready nodes it prefers output
 * nodes, then nodes that unblock an output, then nodes two steps from one, then the first.
 */
final class ExecutionList {
    private final ObjectNode prompt;
    private final Predicate<String> isOutputNode;
    private final Predicate<String> isCached;
    /** node → the sources it still waits for; insertion order is ComfyUI's staging order. */
    private final Map<String, Set<String>> waitingFor = new LinkedHashMap<>();
    /** node → the nodes waiting for it. */
    private final Map<String, Set<String>> blocking = new LinkedHashMap<>();

    ExecutionList(ObjectNode prompt, List<String> outputs, Predicate<String> isOutputNode, Predicate<String> isCached) {
        this.prompt = prompt;
        this.isOutputNode = isOutputNode;
        this.isCached = isCached;
        for (String o : outputs) add(o);
    }

    private void add(String nodeId) {
        if (waitingFor.containsKey(nodeId)) return;
        waitingFor.put(nodeId, new LinkedHashSet<>());
        blocking.computeIfAbsent(nodeId, k -> new LinkedHashSet<>());
        JsonNode inputs = prompt.path(nodeId).path("inputs");
        for (var it = inputs.fields(); it.hasNext(); ) {
            JsonNode v = it.next().getValue();
            if (!NodeValues.isLink(v)) continue;
            String source = v.get(0).textValue();
            if (isCached.test(source)) continue;
            add(source);
            waitingFor.get(nodeId).add(source);
            blocking.computeIfAbsent(source, k -> new LinkedHashSet<>()).add(nodeId);
        }
    }

    boolean isEmpty() { return waitingFor.isEmpty(); }

    /** The next node to run, or null when nodes remain but none is ready (a cycle). */
    String next() {
        List<String> ready = new ArrayList<>();
        for (var e : waitingFor.entrySet()) if (e.getValue().isEmpty()) ready.add(e.getKey());
        if (ready.isEmpty()) return null;
        for (String n : ready) if (isOutputNode.test(n)) return n;
        for (String n : ready) for (String b : blocking.get(n)) if (isOutputNode.test(b)) return n;
        for (String n : ready) for (String b : blocking.get(n)) for (String b2 : blocking.get(b)) if (isOutputNode.test(b2)) return n;
        return ready.getFirst();
    }

    /** Marks a node done, releasing the nodes that waited for it. */
    void complete(String nodeId) {
        waitingFor.remove(nodeId);
        for (String waiter : blocking.getOrDefault(nodeId, Set.of())) {
            Set<String> w = waitingFor.get(waiter);
            if (w != null) w.remove(nodeId);
        }
    }
}
