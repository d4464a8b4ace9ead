package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The one bridge from the FFM API to JavaCPP: a {@link FloatPointer} that points at the
 * memory of an off-heap {@link MemorySegment}, without copying. JavaCPP has no public
 * constructor taking a raw address, but {@code address}, {@code limit} and {@code capacity}
 * are protected fields of {@code Pointer}, so a tiny subclass sets them. The pointer owns
 * nothing (no deallocator): the segment's arena keeps the memory alive, and the caller must
 * keep the segment reachable while native code uses the pointer.
 */
final class SegmentPointers {
    private SegmentPointers() {}

    /** A float pointer over {@code segment}, whose capacity is the segment's float count. */
    static FloatPointer floats(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("native code needs off-heap memory, got a heap segment");
        }
        return new SegmentFloatPointer(segment.address(), segment.byteSize() / Float.BYTES);
    }

    private static final class SegmentFloatPointer extends FloatPointer {
        SegmentFloatPointer(long address, long floats) {
            this.address = address;
            this.capacity = floats;
            this.limit = floats;
        }
    }
}
