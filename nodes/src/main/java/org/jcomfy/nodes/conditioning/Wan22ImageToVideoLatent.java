package org.jcomfy.nodes.conditioning;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.api.SchemaBuilder;
import org.jcomfy.nodes.types.Latent;

/**
 * Wan22ImageToVideoLatent (V3) for the Wan 2.2 TI2V-5B workflows. Without a start image it is the
 * 48-channel empty latent, as in ComfyUI (batch_size ignored there too). With a start image it
 * needs the Wan 2.2 VAE, which jcomfy does not implement yet: that case fails with a message.
 */
public final class Wan22ImageToVideoLatent implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("Wan22ImageToVideoLatent")
            .v3().displayName(null)
            .category("conditioning/inpaint")
            .pythonModule("comfy_extras.nodes_wan")
            .socketInput("vae", "VAE")
            .intInput("width", 1280, 32, SchemaBuilder.MAX_RESOLUTION, 32)
            .intInput("height", 704, 32, SchemaBuilder.MAX_RESOLUTION, 32)
            .intInput("length", 49, 1, SchemaBuilder.MAX_RESOLUTION, 4)
            .intInput("batch_size", 1, 1, 4096, 1)
            .optional().socketInput("start_image", "IMAGE")
            .output(new OutputSpec("LATENT", "LATENT", false, null))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        if (in.has("start_image")) {
            throw new UnsupportedOperationException("Wan 2.2 TI2V image conditioning needs the Wan 2.2 VAE, which jcomfy does not implement yet");
        }
        long frames = (in.getLong("length") - 1) / 4 + 1;
        return NodeOutput.of(Latent.of(Tensor.zeros(DType.F32, 1, 48, frames, in.getLong("height") / 16, in.getLong("width") / 16)));
    }
}
