package org.jcomfy.backend.threads;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Per-thread work buffers for the tasks of {@link CpuThreads}, kept between tasks and calls so a
 * kernel allocates them once per thread instead of once per block: an off-heap float buffer for
 * the blocks a kernel widens or unfolds before a GEMM (weight rows, im2col columns; off-heap so
 * OpenBLAS reads it directly), and a few numbered float arrays for attention's query blocks.
 *
 * <p>A task may use them only between entering and leaving its own work: it must not start
 * parallel work while holding them, since a waiting pool thread can run another task meanwhile.
 */
public final class Scratch {
    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
    /** Array slots per thread; attention uses up to six. */
    private static final int SLOTS = 6;

    private MemorySegment segment = MemorySegment.NULL;
    private final float[][] arrays = new float[SLOTS][];

    private Scratch() {}

    /** This thread's buffers. */
    public static Scratch get() {
        return PER_THREAD.get();
    }

    /** This thread's off-heap buffer, at least {@code floats} long (contents undefined). */
    public MemorySegment floats(long floats) {
        long bytes = floats * Float.BYTES;
        if (segment.byteSize() < bytes) {
            segment = Arena.ofAuto().allocate(Math.max(bytes, segment.byteSize() * 3 / 2), 64);
        }
        return segment;
    }

    /** Array {@code slot} with at least {@code size} elements, zero-filled over {@code [0, size)}. */
    public float[] zeroed(int slot, int size) {
        float[] a = arrays[slot];
        if (a == null || a.length < size) {
            a = new float[size];
            arrays[slot] = a;
        } else {
            Arrays.fill(a, 0, size, 0f);
        }
        return a;
    }
}
