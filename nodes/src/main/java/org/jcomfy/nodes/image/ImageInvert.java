package org.jcomfy.nodes.image;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** ComfyUI's ImageInvert: {@code 1 - image}, keeping a fourth (alpha) channel as it is. */
public final class ImageInvert implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageInvert")
            .displayName("Invert Image Colors")
            .category("image/color")
            .searchAliases("reverse colors")
            .socketInput("image", "IMAGE")
            .output("IMAGE")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        Tensor image = inputs.get("image", Tensor.class).toF32();
        Tensor out = image.copy();
        long channels = image.dim(-1);
        for (long i = 0, n = image.numel(); i < n; i++) {
            boolean alpha = channels == 4 && i % 4 == 3;
            if (!alpha) out.setFloat(i, 1f - image.getFloat(i));
        }
        return NodeOutput.of(out);
    }
}
