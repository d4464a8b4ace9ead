package org.jcomfy.nodes.loaders;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** CLIPLoader ("Load CLIP"): a text encoder from {@code models/text_encoders}; jcomfy runs type {@code wan} (UMT5). */
public final class ClipLoader implements Node {
    static final List<String> TYPES = List.of("stable_diffusion", "stable_cascade", "sd3", "stable_audio", "mochi", "ltxv",
            "pixart", "cosmos", "lumina2", "wan", "hidream", "chroma", "ace", "omnigen2", "qwen_image", "hunyuan_image");

    private static final NodeSchema SCHEMA = NodeSchema.builder("CLIPLoader")
            .displayName("Load CLIP")
            .category("advanced/loaders")
            .description("[Recipes]\n\nstable_diffusion: clip-l\nstable_cascade: clip-g\nsd3: t5 xxl/ clip-g / clip-l\nstable_audio: t5 base\nmochi: t5 xxl\ncosmos: old t5 xxl\nlumina2: gemma 2 2B\nwan: umt5 xxl\n hidream: llama-3.1 (Recommend) or t5")
            .modelFileInput("clip_name", "text_encoders")
            .comboInput("type", TYPES)
            .optional().comboInput("device", List.of("default", "cpu"), "advanced", true)
            .output("CLIP")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        String type = in.getString("type");
        if (!"wan".equals(type)) {
            throw new IllegalArgumentException("CLIPLoader type '" + type + "' is not supported by jcomfy; use 'wan' (UMT5-XXL)");
        }
        return NodeOutput.of(ModelLoaders.textEncoder(context, in.getString("clip_name")));
    }

    /** Re-runs when the model file changes on disk (see {@link ModelLoaders#fingerprint}). */
    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return ModelLoaders.fingerprint(environment, "text_encoders", constants.getString("clip_name"));
    }
}
