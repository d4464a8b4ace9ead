package org.jcomfy.backend.attention;

import java.util.SplittableRandom;
import org.jcomfy.backend.tensor.Tensor;

/** Seeded random tensors for the attention tests. */
final class AttentionTestData {
    private AttentionTestData() {}

    static Tensor random(long seed, float amplitude, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < values.length; i++) values[i] = (float) (rnd.nextDouble(-1, 1) * amplitude);
        return Tensor.of(values, shape);
    }
}
