package org.jcomfy.nodes.video;

import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.jcomfy.nodes.output.FileNamePrefix;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** SaveVideo (V3): H.264 in MP4 (the only format ComfyUI offers), metadata as MP4 tags. */
public final class SaveVideo implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveVideo")
            .v3().displayName("Save Video")
            .category("image/video")
            .pythonModule("comfy_extras.nodes_video")
            .description("Saves the input images to your ComfyUI output directory.")
            .outputNode()
            .socketInput("video", "VIDEO", "tooltip", "The video to save.")
            .stringInput("filename_prefix", "video/ComfyUI", false, "tooltip",
                    "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.")
            .check(FileNamePrefix::problem)
            .comboInput("format", List.of("auto", "mp4"), "tooltip", "The format to save the video as.")
            .comboInput("codec", List.of("auto", "h264"), "tooltip", "The codec to use for the video.")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        Video video = in.get("video", Video.class);
        VideoFormat format = new VideoFormat("mp4", "libx264", "mp4", avutil.AV_PIX_FMT_YUV420P,
                Map.of(), Map.of("movflags", "use_metadata_tags"));
        NodeOutput out = AnimatedSave.save(video.frames(), video.fps(), in.getString("filename_prefix"), format, context, null);
        return SaveWebm.withAnimatedTrue(out);
    }
}
