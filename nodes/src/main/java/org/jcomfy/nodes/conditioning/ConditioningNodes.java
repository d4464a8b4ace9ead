package org.jcomfy.nodes.conditioning;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** Text encoding and the Wan conditioning nodes. */
public final class ConditioningNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new ClipTextEncode(), new WanImageToVideo(), new ClipVisionEncode(), new Wan22ImageToVideoLatent());
    }
}
