package org.jcomfy.nodes.models.wan.weights;

import org.jcomfy.backend.tensor.Tensor;

/**
 * What a key-mapping function reads weights through. {@link WeightSource} serves real
 * checkpoints; {@link ShapeRecorder} runs the same mapping to list the keys and shapes a
 * model expects, so the key list is written once.
 */
public interface WeightReader {

    /** The tensor stored under {@code key}, which must have exactly {@code expectedShape}. */
    Tensor take(String key, long... expectedShape);

    /** The fp8 {@code <layer>.scale_weight} multiplier, 1 when the layer has none. */
    float weightScale(String layer);
}
