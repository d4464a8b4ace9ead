package org.jcomfy.nodes.conditioning;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.types.Conditioning;
import org.jcomfy.nodes.types.TextEncoder;

/** CLIPTextEncode: a prompt to CONDITIONING through the text encoder (UMT5 for Wan). */
public final class ClipTextEncode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("CLIPTextEncode")
            .displayName("CLIP Text Encode (Prompt)")
            .category("conditioning")
            .description("Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.")
            .stringInput("text", "", true, "dynamicPrompts", true, "tooltip", "The text to be encoded.")
            .socketInput("clip", "CLIP", "tooltip", "The CLIP model used for encoding the text.")
            .output(new OutputSpec("CONDITIONING", "CONDITIONING", false,
                    "A conditioning containing the embedded text used to guide the diffusion model."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        if (!in.has("clip")) {
            throw new IllegalArgumentException("ERROR: clip input is invalid: None\n\nIf the clip is from a checkpoint loader node your checkpoint does not contain a valid clip or text encoder model.");
        }
        TextEncoder clip = in.get("clip", TextEncoder.class);
        return NodeOutput.of(Conditioning.of(clip.encode(in.getString("text"))));
    }
}
