package org.jcomfy.server.execution;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeProvider;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/** Nodes that exist only for the execution tests: widgets with bounds, slow steps, failures, lists. */
public final class TestNodes implements NodeProvider {
    /** How many times each test node class really ran (cache tests read it). */
    static final Map<String, AtomicInteger> RUNS = new java.util.concurrent.ConcurrentHashMap<>();

    static int runs(String classType) { return RUNS.computeIfAbsent(classType, k -> new AtomicInteger()).get(); }

    private static void count(String classType) { RUNS.computeIfAbsent(classType, k -> new AtomicInteger()).incrementAndGet(); }

    @Override
    public List<Node> nodes() {
        return List.of(new Number(), new Sink(), new Steps(), new Fail(), new Volatile(), new ListSource(), new UniqueId(),
                new Gate(), new SchemaFault());
    }

    /** An INT 0..10 with a FLOAT, a combo, a BOOLEAN, a STRING and an unsigned seed; outputs the INT. */
    static final class Number implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestNumber").category("test")
                .intInput("value", 1, 0, 10, 1)
                .optional()
                .floatInput("scale", 0.5, 0.0, 1.0, 0.01)
                .comboInput("mode", List.of("a", "b"))
                .booleanInput("flag", false)
                .stringInput("label", "", false)
                .seedInput("seed")
                .output("INT").build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            count("TestNumber");
            return NodeOutput.of(inputs.getLong("value"));
        }
    }

    /** An output node showing whatever reaches it as UI {@code text}. */
    static final class Sink implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestSink").category("test").outputNode()
                .socketInput("value", "*").build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            count("TestSink");
            return new NodeOutput(List.of(), Map.of("text", List.of(String.valueOf(inputs.get("value")))));
        }
    }

    /** Counts to {@code steps}, reporting progress (which checks for interrupts) and a preview at step 1. */
    static final class Steps implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestSteps").category("test")
                .intInput("steps", 3, 1, 100000, 1)
                .intInput("sleep_ms", 0, 0, 1000, 1)
                .output("INT").build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws InterruptedException {
            count("TestSteps");
            long steps = inputs.getLong("steps");
            for (long i = 1; i <= steps; i++) {
                if (i == 1) context.preview(new java.awt.image.BufferedImage(8, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));
                context.progress(i, steps);
                Thread.sleep(inputs.getLong("sleep_ms"));
            }
            return NodeOutput.of(steps);
        }
    }

    /** Always throws. */
    static final class Fail implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestFail").category("test").outputNode()
                .socketInput("value", "INT").build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            throw new IllegalStateException("the test node failed on purpose");
        }
    }

    /** Its fingerprint changes every time (IS_CHANGED returning NaN), so it never comes from the cache. */
    static final class Volatile implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestVolatile").category("test")
                .output("INT").build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            count("TestVolatile");
            return NodeOutput.of(7L);
        }

        @Override
        public Object fingerprint(NodeInputs constants, NodeEnvironment environment) { return Double.NaN; }
    }

    /** A list output [1, 2, 3]: consumers run once per element. */
    static final class ListSource implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestListSource").category("test")
                .output(new OutputSpec("INT", "INT", true, null)).build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            return NodeOutput.of(List.of(1L, 2L, 3L));
        }
    }

    /** An output node that shows its hidden UNIQUE_ID and whether it saw the PROMPT. */
    static final class UniqueId implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestUniqueId").category("test").outputNode()
                .hidden().hiddenInput("unique_id", "UNIQUE_ID").hiddenInput("prompt", "PROMPT")
                .hiddenInput("extra_pnginfo", "EXTRA_PNGINFO").build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            Object extra = inputs.get("extra_pnginfo");
            return new NodeOutput(List.of(), Map.of("text", List.of(
                    String.valueOf(inputs.get("unique_id")),
                    String.valueOf(inputs.get("prompt") != null),
                    String.valueOf(extra))));
        }
    }

    /** An output node that waits until the test opens {@link #GATE}, to hold the queue at a known point. */
    static final class Gate implements Node {
        static volatile java.util.concurrent.CountDownLatch GATE = new java.util.concurrent.CountDownLatch(0);

        private static final NodeSchema SCHEMA = NodeSchema.builder("TestGate").category("test").outputNode().build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws InterruptedException {
            GATE.await(60, java.util.concurrent.TimeUnit.SECONDS);
            return new NodeOutput(List.of(), Map.of("text", List.of("open")));
        }
    }

    /**
     * An output node whose schema cannot be read while {@link #BROKEN} is set: the executor reads
     * schemas outside any node's call (cache keys, ordering), so this fails a prompt outside a node.
     */
    static final class SchemaFault implements Node {
        static volatile boolean BROKEN;

        private static final NodeSchema SCHEMA = NodeSchema.builder("TestSchemaFault").category("test").outputNode().build();

        @Override
        public NodeSchema schema() {
            if (BROKEN) throw new IllegalStateException("the test broke this schema on purpose");
            return SCHEMA;
        }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
            return new NodeOutput(List.of(), Map.of("text", List.of("ran")));
        }
    }
}
