package org.jcomfy.nodes.loaders;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.types.DiffusionModel;

/**
 * LoraLoader ("Load LoRA"): a LoRA on the diffusion model and the text encoder. Wan LoRAs patch
 * the DiT; jcomfy applies no text-encoder LoRA keys yet, so the CLIP passes through and any such
 * keys in the file are reported with the others not loaded (in the log and the node's UI output).
 */
public final class LoraLoader implements Node {
    static final String DESCRIPTION = "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are "
            + "denoised such as applying styles. Multiple LoRA nodes can be linked together.";

    private static final NodeSchema SCHEMA = NodeSchema.builder("LoraLoader")
            .displayName("Load LoRA")
            .category("loaders")
            .description(DESCRIPTION)
            .socketInput("model", "MODEL", "tooltip", "The diffusion model the LoRA will be applied to.")
            .socketInput("clip", "CLIP", "tooltip", "The CLIP model the LoRA will be applied to.")
            .modelFileInput("lora_name", "loras", "tooltip", "The name of the LoRA.")
            .floatInput("strength_model", 1.0, -100.0, 100.0, 0.01, "tooltip",
                    "How strongly to modify the diffusion model. This value can be negative.")
            .floatInput("strength_clip", 1.0, -100.0, 100.0, 0.01, "tooltip",
                    "How strongly to modify the CLIP model. This value can be negative.")
            .output(new OutputSpec("MODEL", "MODEL", false, "The modified diffusion model."))
            .output(new OutputSpec("CLIP", "CLIP", false, "The modified CLIP model."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        DiffusionModel model = in.get("model", DiffusionModel.class);
        Object clip = in.get("clip");
        double strength = in.getDouble("strength_model");
        if (strength == 0) return NodeOutput.of(model, clip);
        LoraModels.Result r = LoraModels.withLora(context, model, in.getString("lora_name"), strength);
        var report = LoraModels.report(r.match());
        return report == null ? NodeOutput.of(r.model(), clip) : NodeOutput.ui(report, r.model(), clip);
    }

    /** Re-runs when the LoRA file changes on disk (see {@link ModelLoaders#fingerprint}). */
    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return ModelLoaders.fingerprint(environment, "loras", constants.getString("lora_name"));
    }
}
