package org.jcomfy.nodes.loaders;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/**
 * CLIPVisionLoader, declared with ComfyUI's schema so image-to-video workflows load and validate.
 * jcomfy has no CLIP vision model yet; running it fails with that message.
 */
public final class ClipVisionLoader implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CLIPVisionLoader")
            .displayName("Load CLIP Vision")
            .category("loaders")
            .modelFileInput("clip_name", "clip_vision")
            .output("CLIP_VISION")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        throw new UnsupportedOperationException("CLIP vision models (ViT-H/14 for Wan 2.1 image-to-video) are not implemented in jcomfy yet");
    }
}
