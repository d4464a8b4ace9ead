package org.jcomfy.backend.attention;

import java.util.SplittableRandom;
import org.jcomfy.backend.tensor.Tensor;

/** Seeded random tensors and the error measure the attention tests compare with. */
final class AttentionTestData {
    private AttentionTestData() {}

    static Tensor random(long seed, float amplitude, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < values.length; i++) values[i] = (float) (rnd.nextDouble(-1, 1) * amplitude);
        return Tensor.of(values, shape);
    }

    /** ‖a − b‖ / ‖b‖ over all elements; b all zeros compares ‖a‖ instead. */
    static double relativeL2(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        if (x.length != y.length) throw new AssertionError("sizes differ: " + a + " vs " + b);
        double diff = 0, norm = 0;
        for (int i = 0; i < x.length; i++) {
            diff += (double) (x[i] - y[i]) * (x[i] - y[i]);
            norm += (double) y[i] * y[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }
}
