package org.jcomfy.nodes.loaders;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.lora.LoraMatch;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.TextEncoder;

/**
 * LoraLoader ("Load LoRA"): a LoRA on the diffusion model and the UMT5 text encoder, each at its
 * own strength; keys that patch neither are reported (log and the node's UI output). As in
 * ComfyUI, both strengths 0 return the inputs themselves.
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
        TextEncoder clip = in.get("clip", TextEncoder.class);
        double strengthModel = in.getDouble("strength_model"), strengthClip = in.getDouble("strength_clip");
        if (strengthModel == 0 && strengthClip == 0) return NodeOutput.of(model, clip);
        LoraModels.Loaded lora = LoraModels.read(context, in.getString("lora_name"));
        // Every key is matched against both, as ComfyUI maps a file's keys over the model and the
        // text encoder together: a key is "not loaded" when neither has it, whatever the strengths.
        LoraMatch forModel = LoraModels.match(model, lora.lora()), forClip = LoraModels.match(clip, lora.lora());
        DiffusionModel patchedModel = strengthModel == 0 || forModel.patches().isEmpty() ? model : LoraModels.apply(context, model, lora, forModel, strengthModel);
        TextEncoder patchedClip = strengthClip == 0 || forClip.patches().isEmpty() ? clip
                : LoraModels.apply(context, clip, lora, forClip, strengthClip);
        var report = LoraModels.report(lora.file().label(), forModel.patches().size() + forClip.patches().size(),
                forModel.notLoadedByEither(forClip));
        return report == null ? NodeOutput.of(patchedModel, patchedClip) : NodeOutput.ui(report, patchedModel, patchedClip);
    }

    /** Re-runs when the LoRA file changes on disk (see {@link ModelLoaders#fingerprint}). */
    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return ModelLoaders.fingerprint(environment, "loras", constants.getString("lora_name"));
    }
}
