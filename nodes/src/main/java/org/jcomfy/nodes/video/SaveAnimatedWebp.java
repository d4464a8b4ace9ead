package org.jcomfy.nodes.video;

import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.jcomfy.nodes.output.FileNamePrefix;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** SaveAnimatedWEBP: frames to one animated WebP, with the prompt and workflow in EXIF. */
public final class SaveAnimatedWebp implements Node {
    private static final Map<String, String> METHODS = Map.of("default", "4", "fastest", "0", "slowest", "6");

    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveAnimatedWEBP")
            .category("image/animation")
            .outputNode()
            .socketInput("images", "IMAGE")
            .stringInput("filename_prefix", "ComfyUI", false).check(FileNamePrefix::problem)
            .floatInput("fps", 6.0, 0.01, 1000.0, 0.01)
            .booleanInput("lossless", true)
            .intInput("quality", 80, 0, 100, 1)
            .comboInput("method", List.of("default", "fastest", "slowest"))
            .hidden().hiddenInput("prompt", "PROMPT").hiddenInput("extra_pnginfo", "EXTRA_PNGINFO")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        boolean lossless = in.getBoolean("lossless");
        VideoFormat format = new VideoFormat("webp", "libwebp_anim", "webp",
                lossless ? avutil.AV_PIX_FMT_BGRA : avutil.AV_PIX_FMT_YUV420P,
                Map.of("lossless", lossless ? "1" : "0",
                       "quality", Long.toString(in.getLong("quality")),
                       "compression_level", METHODS.getOrDefault(in.getString("method"), "4")),
                Map.of("loop", "0"));
        return AnimatedSave.save(in.get("images", Tensor.class), in.getDouble("fps"), in.getString("filename_prefix"),
                format, context, WebpExif::embed);
    }
}
