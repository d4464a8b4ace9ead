package org.jcomfy.nodes.latent;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.types.Latent;
import org.jcomfy.nodes.types.VideoVae;

/** VAEDecode: raw latent to IMAGE frames (a video's frames become the batch). */
public final class VaeDecode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEDecode")
            .displayName("VAE Decode")
            .category("latent")
            .description("Decodes latent images back into pixel space images.")
            .socketInput("samples", "LATENT", "tooltip", "The latent to be decoded.")
            .socketInput("vae", "VAE", "tooltip", "The VAE model used for decoding the latent.")
            .output(new org.jcomfy.nodes.api.OutputSpec("IMAGE", "IMAGE", false, "The decoded image."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        VideoVae vae = in.get("vae", VideoVae.class);
        Latent latent = in.get("samples", Latent.class);
        return NodeOutput.of(vae.decode(VaeLatents.asVideo(latent.samples(), vae), context::progress));
    }
}
