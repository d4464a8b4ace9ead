package org.jcomfy.nodes.latent;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.types.Latent;
import org.jcomfy.nodes.types.VideoVae;

/** VAEDecodeTiled: decodes in overlapping spatial and temporal tiles to bound memory. */
public final class VaeDecodeTiled implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEDecodeTiled")
            .displayName("VAE Decode (Tiled)")
            .category("_for_testing")
            .socketInput("samples", "LATENT")
            .socketInput("vae", "VAE")
            .intInput("tile_size", 512, 64, 4096, 32)
            .intInput("overlap", 64, 0, 4096, 32)
            .intInput("temporal_size", 64, 8, 4096, 4, "tooltip", "Only used for video VAEs: Amount of frames to decode at a time.")
            .intInput("temporal_overlap", 8, 4, 4096, 4, "tooltip", "Only used for video VAEs: Amount of frames to overlap.")
            .output("IMAGE")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        VideoVae vae = in.get("vae", VideoVae.class);
        Latent latent = in.get("samples", Latent.class);
        return NodeOutput.of(vae.decodeTiled(VaeLatents.asVideo(latent.samples(), vae), in.getInt("tile_size"),
                in.getInt("overlap"), in.getInt("temporal_size"), in.getInt("temporal_overlap"), context::progress));
    }
}
