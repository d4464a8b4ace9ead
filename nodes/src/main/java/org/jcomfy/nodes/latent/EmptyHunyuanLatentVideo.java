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

/** An all-zero video latent {@code [batch, 16, (length-1)/4+1, height/8, width/8]}, as Wan 2.1 expects. */
public final class EmptyHunyuanLatentVideo implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("EmptyHunyuanLatentVideo")
            .category("latent/video")
            .pythonModule("comfy_extras.nodes_hunyuan")
            .intInput("width", 848, 16, SchemaBuilder.MAX_RESOLUTION, 16)
            .intInput("height", 480, 16, SchemaBuilder.MAX_RESOLUTION, 16)
            .intInput("length", 25, 1, SchemaBuilder.MAX_RESOLUTION, 4)
            .intInput("batch_size", 1, 1, 4096, 1)
            .output("LATENT")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        long frames = (in.getLong("length") - 1) / 4 + 1;
        return NodeOutput.of(Latent.of(Tensor.zeros(DType.F32, in.getLong("batch_size"), 16, frames,
                in.getLong("height") / 8, in.getLong("width") / 8)));
    }
}
