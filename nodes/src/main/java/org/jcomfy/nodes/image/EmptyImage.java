package org.jcomfy.nodes.image;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.SchemaBuilder;

/** ComfyUI's EmptyImage: a batch filled with one 0xRRGGBB colour. */
public final class EmptyImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("EmptyImage")
            .displayName("Empty Image")
            .category("image")
            .intInput("width", 512, 1, SchemaBuilder.MAX_RESOLUTION, 1)
            .intInput("height", 512, 1, SchemaBuilder.MAX_RESOLUTION, 1)
            .intInput("batch_size", 1, 1, 4096, 1)
            .intInput("color", 0, 0, 0xFFFFFF, 1, "display", "color")
            .output("IMAGE")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        int width = inputs.getInt("width"), height = inputs.getInt("height"), batch = inputs.getInt("batch_size");
        long color = inputs.getLong("color");
        float r = ((color >> 16) & 0xFF) / 255f, g = ((color >> 8) & 0xFF) / 255f, b = (color & 0xFF) / 255f;
        Tensor image = Tensor.zeros(DType.F32, batch, height, width, 3);
        for (long i = 0, n = (long) batch * height * width; i < n; i++) {
            image.setFloat(3 * i, r);
            image.setFloat(3 * i + 1, g);
            image.setFloat(3 * i + 2, b);
        }
        return NodeOutput.of(image);
    }
}
