package org.jcomfy.nodes.models.wan.vae;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Where {@link WanVaeWeights#map} gets each tensor it names: a checkpoint file
 * ({@link CheckpointWeightSource}) or the seeded generator of {@link DemoVaeWeights}.
 * Keeping one mapping function for both means a demo file always has exactly the keys
 * and shapes a real checkpoint has.
 */
interface WeightSource {
    /** The tensor stored under {@code key}, which must have exactly {@code shape}. */
    Tensor tensor(String key, long... shape);
}
