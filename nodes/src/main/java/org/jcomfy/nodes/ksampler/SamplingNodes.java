package org.jcomfy.nodes.ksampler;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** The samplers and model-sampling patch nodes. */
public final class SamplingNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new KSampler(), new KSamplerAdvanced(), new ModelSamplingSD3());
    }
}
