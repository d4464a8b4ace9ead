package org.jcomfy.server;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeProvider;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/** Test-only nodes: one V1-style and one V3-style schema covering every input kind, and one that cannot describe itself. */
public final class TestNodes implements NodeProvider {

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
