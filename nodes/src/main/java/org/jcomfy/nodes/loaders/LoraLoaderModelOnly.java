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

/**
 * LoraLoaderModelOnly: a LoRA from {@code models/loras} on the diffusion model only (the Wan 2.2
 * lightx2v templates). Strength 0 returns the MODEL unchanged, as in ComfyUI.
 */
public final class LoraLoaderModelOnly implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LoraLoaderModelOnly")
            .displayName("LoraLoaderModelOnly")
            .category("loaders")
            .description(LoraLoader.DESCRIPTION)
            .socketInput("model", "MODEL")
            .modelFileInput("lora_name", "loras")
            .floatInput("strength_model", 1.0, -100.0, 100.0, 0.01)
            .output(new OutputSpec("MODEL", "MODEL", false, "The modified diffusion model."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        DiffusionModel model = in.get("model", DiffusionModel.class);
        double strength = in.getDouble("strength_model");
        if (strength == 0) return NodeOutput.of(model);
        LoraModels.Loaded lora = LoraModels.read(context, in.getString("lora_name"));
        LoraMatch match = LoraModels.match(model, lora.lora());
        DiffusionModel patched = match.patches().isEmpty() ? model : LoraModels.apply(context, model, lora, match, strength);
        var report = LoraModels.report(lora.file().label(), match.patches().size(), match.notLoaded());
        return report == null ? NodeOutput.of(patched) : NodeOutput.ui(report, patched);
    }

    /** Re-runs when the LoRA file changes on disk (see {@link ModelLoaders#fingerprint}). */
    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return ModelLoaders.fingerprint(environment, "loras", constants.getString("lora_name"));
    }
}
