package org.jcomfy.nodes.models.parallel;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ModelCall;
import org.jcomfy.nodes.models.SequenceParallel;

/**
 * One model call as one rank computes it: the sampler's velocity call with the rank's own
 * {@link ModelCall} (whose run holds the rank's cache state) and its sequence parallelism, which
 * the forward consults at its four sharding points. Every rank of a group gets the whole output.
 */
@FunctionalInterface
public interface RankForward<C> {
    Tensor forward(Tensor x, double timestep, C conditioning, ModelCall call, SequenceParallel sequence);
}
