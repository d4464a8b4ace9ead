package org.jcomfy.nodes.latent;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.SchemaBuilder;
import org.jcomfy.nodes.types.Latent;

/**
 * An all-zero 4-channel image latent. With a Wan model the sampler widens an all-zero latent
 * to 16 channels and one frame, as ComfyUI's {@code fix_empty_latent_channels} does.
 */
public final class EmptyLatentImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("EmptyLatentImage")
            .displayName("Empty Latent Image")
            .category("latent")
            .description("Create a new batch of empty latent images to be denoised via sampling.")
            .intInput("width", 512, 16, SchemaBuilder.MAX_RESOLUTION, 8, "tooltip", "The width of the latent images in pixels.")
            .intInput("height", 512, 16, SchemaBuilder.MAX_RESOLUTION, 8, "tooltip", "The height of the latent images in pixels.")
            .intInput("batch_size", 1, 1, 4096, 1, "tooltip", "The number of latent images in the batch.")
            .output("LATENT")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        return NodeOutput.of(Latent.of(Tensor.zeros(DType.F32, in.getLong("batch_size"), 4,
                in.getLong("height") / 8, in.getLong("width") / 8)));
    }
}
