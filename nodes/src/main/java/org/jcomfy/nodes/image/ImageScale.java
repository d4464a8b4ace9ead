package org.jcomfy.nodes.image;

import java.util.List;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.SchemaBuilder;

/**
 * ComfyUI's ImageScale ("Upscale Image"): resize to width x height; a zero side keeps the aspect
 * ratio; crop "center" first cuts the source to the target aspect ratio.
 */
public final class ImageScale implements Node {
    static final List<String> METHODS = List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos");
    static final List<String> CROPS = List.of("disabled", "center");

    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageScale")
            .displayName("Upscale Image")
            .category("image/upscaling")
            .searchAliases("resize", "resize image", "scale image", "image resize", "zoom", "zoom in", "change size")
            .socketInput("image", "IMAGE")
            .comboInput("upscale_method", METHODS)
            .intInput("width", 512, 0, SchemaBuilder.MAX_RESOLUTION, 1)
            .intInput("height", 512, 0, SchemaBuilder.MAX_RESOLUTION, 1)
            .comboInput("crop", CROPS)
            .output("IMAGE")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        Tensor image = inputs.get("image", Tensor.class).toF32();
        int width = inputs.getInt("width"), height = inputs.getInt("height");
        if (width == 0 && height == 0) return NodeOutput.of(image);
        int[] bhw = ImageTensors.batchHeightWidth(image);
        int h = bhw[1], w = bhw[2];
        if (width == 0) width = Math.max(1, (int) Math.rint((double) w * height / h));
        else if (height == 0) height = Math.max(1, (int) Math.rint((double) h * width / w));
        return NodeOutput.of(scale(image, width, height, inputs.getString("upscale_method"), inputs.getString("crop")));
    }

    /** {@code comfy.utils.common_upscale} on [B,H,W,C]; also used by WanImageToVideo (bilinear, center). */
    public static Tensor scale(Tensor image, int width, int height, String method, String crop) {
        int batch = Math.toIntExact(image.dim(0)), h = Math.toIntExact(image.dim(1)), w = Math.toIntExact(image.dim(2));
        int channels = Math.toIntExact(image.dim(3));
        int x = 0, y = 0;
        if (crop.equals("center")) {
            double oldAspect = (double) w / h, newAspect = (double) width / height;
            if (oldAspect > newAspect) x = (int) Math.rint((w - w * (newAspect / oldAspect)) / 2);
            else if (oldAspect < newAspect) y = (int) Math.rint((h - h * (oldAspect / newAspect)) / 2);
        }
        int ch = h - 2 * y, cw = w - 2 * x;
        float[] src = image.toFloatArray();
        float[] dst = new float[batch * height * width * channels];
        float[] plane = new float[ch * cw];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                for (int yy = 0; yy < ch; yy++) {
                    for (int xx = 0; xx < cw; xx++) {
                        plane[yy * cw + xx] = src[((b * h + yy + y) * w + xx + x) * channels + c];
                    }
                }
                float[] resized = Resampling.resize(plane, ch, cw, height, width, method);
                for (int i = 0; i < resized.length; i++) dst[(b * height * width + i) * channels + c] = resized[i];
            }
        }
        return Tensor.of(dst, batch, height, width, channels);
    }
}
