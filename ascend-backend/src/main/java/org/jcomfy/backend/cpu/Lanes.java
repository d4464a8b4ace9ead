package org.jcomfy.backend.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed order. {@code FloatVector.reduceLanes(ADD)} leaves the order of the
 * additions open, and the JIT-compiled and the interpreted forms do differ in it: the same forward
 * gave results a last bit apart once C2 compiled a kernel, which breaks every "bit-identical"
 * guarantee (a cache that computes every step, parallel ranks, reruns). Summing lane by lane
 * costs a few cycles per row end, nothing in the inner loops.
 */
public final class Lanes {
    private Lanes() {}

    /** lane 0 + lane 1 + ... in lane order. */
    public static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
