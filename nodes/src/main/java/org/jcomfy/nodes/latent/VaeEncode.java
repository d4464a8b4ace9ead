package org.jcomfy.nodes.latent;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.types.Latent;
import org.jcomfy.nodes.types.VideoVae;

/** VAEEncode: IMAGE frames to a raw latent (the frames form one video). */
public final class VaeEncode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEEncode")
            .displayName("VAE Encode")
            .category("latent")
            .socketInput("pixels", "IMAGE")
            .socketInput("vae", "VAE")
            .output("LATENT")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        VideoVae vae = in.get("vae", VideoVae.class);
        Tensor pixels = in.get("pixels", Tensor.class);
        if (pixels.rank() != 4 || pixels.dim(3) < 3) throw new IllegalArgumentException("VAEEncode expects IMAGE [N, H, W, 3], got " + pixels);
        int s = vae.spatialCompression();
        if (pixels.dim(1) % s != 0 || pixels.dim(2) % s != 0) {
            throw new IllegalArgumentException("image size " + pixels.dim(2) + "x" + pixels.dim(1)
                    + " must be a multiple of " + s + " for this VAE");
        }
        return NodeOutput.of(Latent.of(vae.encode(pixels, context::progress)));
    }
}
