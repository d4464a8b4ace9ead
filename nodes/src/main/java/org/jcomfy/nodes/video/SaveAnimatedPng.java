package org.jcomfy.nodes.video;

import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.jcomfy.nodes.output.FileNamePrefix;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** SaveAnimatedPNG: frames to one APNG, with the prompt and workflow in {@code comf} chunks. */
public final class SaveAnimatedPng implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveAnimatedPNG")
            .category("image/animation")
            .outputNode()
            .socketInput("images", "IMAGE")
            .stringInput("filename_prefix", "ComfyUI", false).check(FileNamePrefix::problem)
            .floatInput("fps", 6.0, 0.01, 1000.0, 0.01)
            .intInput("compress_level", 4, 0, 9, 1)
            .hidden().hiddenInput("prompt", "PROMPT").hiddenInput("extra_pnginfo", "EXTRA_PNGINFO")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        VideoFormat format = new VideoFormat("apng", "apng", "png", avutil.AV_PIX_FMT_RGB24,
                Map.of("compression_level", Long.toString(in.getLong("compress_level"))),
                Map.of("plays", "0"));
        return AnimatedSave.save(in.get("images", Tensor.class), in.getDouble("fps"), in.getString("filename_prefix"),
                format, context, PngChunks::embedComf);
    }
}
