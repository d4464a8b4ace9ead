package org.jcomfy.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One growable off-heap float buffer per thread, for the blocks a kernel widens or unfolds
 * before a GEMM (weight rows, im2col columns). Off-heap so OpenBLAS can read it directly. A
 * chunk may use it only between entering and leaving its own work: it must not start
 * parallel work while holding it, since a waiting pool thread can run another chunk.
 */
final class Scratch {
    private Scratch() {}

    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    /** This thread's buffer, at least {@code floats} long (contents undefined). */
    static MemorySegment floats(long floats) {
        MemorySegment seg = BUFFER.get();
        long bytes = floats * Float.BYTES;
        if (seg.byteSize() < bytes) {
            seg = Arena.ofAuto().allocate(Math.max(bytes, seg.byteSize() * 3 / 2), 64);
            BUFFER.set(seg);
        }
        return seg;
    }
}
