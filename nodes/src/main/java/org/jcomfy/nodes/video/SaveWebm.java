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

/** SaveWEBM (V3, experimental): VP9 or AV1 in WebM, prompt and workflow as container metadata. */
public final class SaveWebm implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveWEBM")
            .v3().displayName(null)
            .category("image/video")
            .pythonModule("comfy_extras.nodes_video")
            .experimental()
            .outputNode()
            .socketInput("images", "IMAGE")
            .stringInput("filename_prefix", "ComfyUI", false).check(FileNamePrefix::problem)
            .comboInput("codec", List.of("vp9", "av1"))
            .floatInput("fps", 24.0, 0.01, 1000.0, 0.01)
            .floatInput("crf", 32.0, 0, 63.0, 1, "tooltip",
                    "Higher crf means lower quality with a smaller file size, lower crf means higher quality higher filesize.")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        boolean av1 = "av1".equals(in.getString("codec"));
        String crf = Integer.toString((int) in.getDouble("crf"));
        VideoFormat format = av1
                ? new VideoFormat("webm", "libsvtav1", "webm", avutil.AV_PIX_FMT_YUV420P10LE, Map.of("crf", crf, "preset", "6"), Map.of())
                : new VideoFormat("webm", "libvpx-vp9", "webm", avutil.AV_PIX_FMT_YUV420P, Map.of("crf", crf), Map.of());
        NodeOutput out = AnimatedSave.save(in.get("images", Tensor.class), in.getDouble("fps"), in.getString("filename_prefix"),
                format, context, null);
        return withAnimatedTrue(out);
    }

    /** SaveWEBM and SaveVideo always report {@code animated: [true]}, even for one frame. */
    static NodeOutput withAnimatedTrue(NodeOutput out) {
        out.ui().put("animated", List.of(true));
        return out;
    }
}
