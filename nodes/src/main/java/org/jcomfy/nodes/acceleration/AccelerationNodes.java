package org.jcomfy.nodes.acceleration;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** jcomfy's acceleration nodes (category {@code jcomfy/acceleration}). */
public final class AccelerationNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new DiTCacheNode());
    }
}
