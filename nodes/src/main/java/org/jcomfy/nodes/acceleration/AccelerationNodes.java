package org.jcomfy.nodes.acceleration;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/**
 * The acceleration nodes: jcomfy's DiTCache, TeaCache, AttentionSelect and ParallelPlan ({@code jcomfy/acceleration})
 * and ComfyUI core's EasyCache and LazyCache.
 */
public final class AccelerationNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new DiTCacheNode(), new EasyCacheNodes.EasyCacheNode(), new EasyCacheNodes.LazyCacheNode(),
                new TeaCacheNode(), new AttentionSelectNode(), new ParallelPlanNode());
    }
}
