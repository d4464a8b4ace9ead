package org.jcomfy.nodes.models.wan.weights;

import org.jcomfy.backend.tensor.Tensor;

/**
 * What a key-mapping function reads weights through, so each model's keys are written once:
 * {@link WeightSource} serves real checkpoints; {@link ShapeRecorder} runs the same mapping to
 * list the keys and shapes a model expects; a demo generator (a lambda) makes seeded tensors of
 * exactly the shapes a real checkpoint has.
 */
@FunctionalInterface
public interface WeightReader {

    /** The tensor stored under {@code key}, which must have exactly {@code expectedShape}. */
    Tensor take(String key, long... expectedShape);

    /** The fp8 {@code <layer>.scale_weight} multiplier; 1 for readers that hold no scaled tensors. */
    default float weightScale(String layer) {
        return 1f;
    }
}
