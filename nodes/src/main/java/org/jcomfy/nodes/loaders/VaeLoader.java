package org.jcomfy.nodes.loaders;

import java.util.ArrayList;
import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** VAELoader ("Load VAE"): a VAE from {@code models/vae}; the list ends with {@code pixel_space} as in ComfyUI. */
public final class VaeLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAELoader")
            .displayName("Load VAE")
            .category("loaders")
            .dynamicComboInput("vae_name", env -> {
                List<String> names = new ArrayList<>(env.modelFiles("vae"));
                names.add("pixel_space");
                return names;
            })
            .output("VAE")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        String name = in.getString("vae_name");
        if ("pixel_space".equals(name)) throw new IllegalArgumentException("the pixel_space VAE is not supported by jcomfy");
        return NodeOutput.of(ModelLoaders.vae(context, name));
    }

    /** Re-runs when the model file changes on disk (see {@link ModelLoaders#fingerprint}). */
    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return ModelLoaders.fingerprint(environment, "vae", constants.getString("vae_name"));
    }
}
