package org.jcomfy.backend.attention;

import java.util.Arrays;

/**
 * Per-thread work arrays for the query-block tasks, kept between tasks and calls so a call
 * allocates O(threads · block) once instead of per block.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    private final float[][] floats = new float[6][];

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** Array {@code slot} with at least {@code size} elements, zero-filled over {@code [0, size)}. */
    float[] zeroed(int slot, int size) {
        float[] a = floats[slot];
        if (a == null || a.length < size) {
            a = new float[size];
            floats[slot] = a;
        } else {
            Arrays.fill(a, 0, size, 0f);
        }
        return a;
    }
}
