package org.jcomfy.nodes.latent;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** Empty latents, the VAE encode/decode nodes and SaveLatent. */
public final class LatentNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new EmptyLatentImage(), new EmptyHunyuanLatentVideo(), new VaeDecode(), new VaeDecodeTiled(), new VaeEncode(),
                new SaveLatent());
    }
}
