package org.jcomfy.server;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeProvider;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/**
 * Nodes that exist only for tests. This provider is listed in the test class path's service file,
 * so every {@link TestServer} has its executable nodes (widgets with bounds, slow steps, failures,
 * lists). {@link SchemaOnly} is not listed: its nodes describe every input kind for
 * {@code /object_info} and cannot run, and a test adds them on purpose ({@link #schemaOnly()},
 * or a custom_nodes jar).
 */
public final class TestNodes implements NodeProvider {

    @Override
    public List<Node> nodes() {
        return List.of(new Number(), new Sink(), new Steps(), new Fail(), new Volatile(), new ListSource(), new UniqueId(),
                new Gate(), new SchemaFault());
    }

    /** A registry of the {@link SchemaOnly} nodes alone, in declaration order. */
    public static NodeRegistry schemaOnly() {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Node n : new SchemaOnly().nodes()) nodes.put(n.schema().name(), n);
        return new NodeRegistry(nodes);
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
            long steps = inputs.getLong("steps");
            for (long i = 1; i <= steps; i++) {
                if (i == 1) context.preview(new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB));
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

    /** One V1-style and one V3-style schema covering every input kind, and one that cannot describe itself. */
    /** An output node that waits until the test opens {@link #GATE}, to hold the queue at a known point. */
    public static final class Gate implements Node {
        public static volatile CountDownLatch GATE = new CountDownLatch(0);

        private static final NodeSchema SCHEMA = NodeSchema.builder("TestGate").category("test").outputNode().build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws InterruptedException {
            GATE.await(60, TimeUnit.SECONDS);
            return new NodeOutput(List.of(), Map.of("text", List.of("open")));
        }
    }

    /**
     * An output node whose schema cannot be read while {@link #BROKEN} is set: the executor reads
     * schemas outside any node's call (cache keys, ordering), so this fails a prompt outside a node.
     */
    public static final class SchemaFault implements Node {
        public static volatile boolean BROKEN;

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

    public static final class SchemaOnly implements NodeProvider {
        /** V1: combo as [[options]], hidden as strings, unset optional keys omitted. */
        static final NodeSchema SAMPLER_LIKE = NodeSchema.builder("TestSamplerLike")
                .displayName("Test Sampler Like").category("testing/sampling").description("A V1 node for /object_info tests")
                .socketInput("model", "MODEL", "tooltip", "the model")
                .seedInput("seed", "tooltip", "noise seed")
                .intInput("steps", 20, 1, 10000, 1)
                .intInput("width", 832, 16, 16384, 16)
                .roundedFloatInput("cfg", 8.0, 0.0, 100.0, 0.1, 0.01)
                .comboInput("sampler_name", List.of("euler", "uni_pc"))
                .stringInput("text", null, true, "dynamicPrompts", true)
                .booleanInput("enabled", true, "label_on", "yes", "label_off", "no")
                .optional()
                .socketInput("mask", "MASK")
                .modelFileInput("vae_name", "vae")
                .hidden()
                .hiddenInput("unique_id", "UNIQUE_ID")
                .output("LATENT")
                .output(new OutputSpec("IMAGE", "preview", true, "a preview"))
                .searchAliases("ksampler-ish")
                .build();

        /** V3: combo as ["COMBO", {options}], all fields written, output node gets hidden prompt/extra_pnginfo. */
        static final NodeSchema VIDEO_LIKE = NodeSchema.builder("TestVideoLike")
                .v3().displayName(null).category("testing/video").pythonModule("comfy_extras.nodes_test")
                .socketInput("images", "IMAGE")
                .comboInputWithDefault("codec", List.of("vp9", "av1"), "av1")
                .outputNode()
                .experimental()
                .build();

        /** Its combo options cannot be listed: it must be left out of /object_info without hiding the others. */
        static final NodeSchema BROKEN = NodeSchema.builder("TestBrokenOptions")
                .dynamicComboInput("choice", env -> { throw new IllegalStateException("options unavailable"); })
                .build();

        @Override
        public List<Node> nodes() {
            return List.of(node(SAMPLER_LIKE), node(VIDEO_LIKE), node(BROKEN));
        }

        private static Node node(NodeSchema schema) {
            return new Node() {
                @Override public NodeSchema schema() { return schema; }

                @Override public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
                    throw new UnsupportedOperationException("test node: only its schema is used");
                }
            };
        }
    }
}
