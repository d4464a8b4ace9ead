package org.jcomfy.nodes.video;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/** CreateVideo (V3): wraps frames and a frame rate into a VIDEO; nothing is encoded yet. */
public final class CreateVideo implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CreateVideo")
            .v3().displayName("Create Video")
            .category("image/video")
            .pythonModule("comfy_extras.nodes_video")
            .description("Create a video from images.")
            .socketInput("images", "IMAGE", "tooltip", "The images to create a video from.")
            .floatInput("fps", 30.0, 1.0, 120.0, 1.0)
            .optional().socketInput("audio", "AUDIO", "tooltip", "The audio to add to the video.")
            .output(new OutputSpec("VIDEO", "VIDEO", false, null))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        if (in.has("audio")) {
            throw new IllegalArgumentException("CreateVideo: audio tracks are not supported by jcomfy yet");
        }
        return NodeOutput.of(new Video(in.get("images", Tensor.class), in.getDouble("fps")));
    }
}
