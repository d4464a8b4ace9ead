package org.jcomfy.backend.tensor;

import java.util.function.IntToDoubleFunction;

/**
 * How far a result is from a reference. Every golden test compares with {@link #relativeL2}, and
 * benchmarks of approximate paths (DiT caches, reduced precision) report the same figure, so a
 * number in a test log and one in {@code bench/RESULTS.md} mean the same thing.
 */
public final class TensorMetrics {
    private TensorMetrics() {}

    /**
     * {@code ‖actual − expected‖₂ / ‖expected‖₂}, element by element in the flat (row-major) order,
     * accumulated in double. Elements that are NaN in both count as equal; a NaN on one side only
     * makes the result NaN, so no tolerance accepts it. When {@code expected} is all zeros the
     * result is {@code ‖actual‖₂} (0 for two zero tensors). The shapes may differ (a chunked
     * recording against its whole), the element counts may not.
     */
    public static double relativeL2(Tensor actual, Tensor expected) {
        return relativeL2(checkedCount(actual.numel(), expected.numel()), i -> actual.getDouble(i), i -> expected.getDouble(i));
    }

    /** {@link #relativeL2(Tensor, Tensor)} of two float arrays. */
    public static double relativeL2(float[] actual, float[] expected) {
        return relativeL2(checkedCount(actual.length, expected.length), i -> actual[i], i -> expected[i]);
    }

    /** {@link #relativeL2(Tensor, Tensor)} against a reference kept in double (a reference implementation's values). */
    public static double relativeL2(float[] actual, double[] expected) {
        return relativeL2(checkedCount(actual.length, expected.length), i -> actual[i], i -> expected[i]);
    }

    private static double relativeL2(int n, IntToDoubleFunction actual, IntToDoubleFunction expected) {
        double diff = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            double a = actual.applyAsDouble(i), e = expected.applyAsDouble(i);
            if (Double.isNaN(a) && Double.isNaN(e)) continue;
            diff += (a - e) * (a - e);
            norm += e * e;
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    private static int checkedCount(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("cannot compare " + actual + " elements with " + expected);
        }
        return Math.toIntExact(actual);
    }
}
