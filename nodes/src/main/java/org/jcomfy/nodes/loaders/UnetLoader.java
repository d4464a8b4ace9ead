package org.jcomfy.nodes.loaders;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** UNETLoader ("Load Diffusion Model"): a bare diffusion model file from {@code models/diffusion_models}. */
public final class UnetLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("UNETLoader")
            .displayName("Load Diffusion Model")
            .category("advanced/loaders")
            .modelFileInput("unet_name", "diffusion_models")
            .comboInput("weight_dtype", List.of("default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"))
            .output("MODEL")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        return NodeOutput.of(ModelLoaders.diffusionModel(context, in.getString("unet_name"), in.getString("weight_dtype")));
    }

    /** Re-runs when the model file changes on disk (see {@link ModelLoaders#fingerprint}). */
    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return ModelLoaders.fingerprint(environment, "diffusion_models", constants.getString("unet_name"));
    }
}
