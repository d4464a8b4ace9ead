package org.jcomfy.nodes.conditioning;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/**
 * CLIPVisionEncode, declared with ComfyUI's schema so Wan 2.1 image-to-video workflows load and
 * validate. jcomfy has no CLIP vision (ViT-H/14) model yet: running it fails with that message.
 */
public final class ClipVisionEncode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CLIPVisionEncode")
            .displayName("CLIP Vision Encode")
            .category("conditioning")
            .socketInput("clip_vision", "CLIP_VISION")
            .socketInput("image", "IMAGE")
            .comboInput("crop", List.of("center", "none"))
            .output("CLIP_VISION_OUTPUT")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        throw new UnsupportedOperationException("CLIP vision encoding (ViT-H/14 for Wan 2.1 image-to-video) is not implemented in jcomfy yet");
    }
}
