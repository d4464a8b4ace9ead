package org.jcomfy.backend.kernels;

import java.util.Arrays;

/** torch's broadcasting rule for the operand shapes of element-wise kernels, shared by every kernel table. */
public final class Broadcasting {
    private Broadcasting() {}

    /**
     * The shape {@code a} and {@code b} broadcast to: aligned from the last dimension, a missing or
     * size-1 dimension takes the other's size (so 1 with 0 gives 0, as in torch); other sizes must agree.
     */
    public static long[] shape(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }
}
