package org.jcomfy.nodes.acceleration;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a cache did for one guidance branch of one run: model calls that computed the cached part
 * and calls that reused stored values, the blocks (or block self-attentions) computed and reused,
 * and the time the computed ones took, from which the time saved is estimated.
 */
public final class CacheCounts {
    int computedCalls, reusedCalls, computedBlocks, reusedBlocks;
    /** Time spent computing what a reuse replaces, over {@link #timedUnits} computations of it. */
    long cachedPartNanos;
    int timedUnits;

    public int computedCalls() { return computedCalls; }
    public int reusedCalls() { return reusedCalls; }
    public int computedBlocks() { return computedBlocks; }
    public int reusedBlocks() { return reusedBlocks; }

    /** The reused units times the average time of a computed one; 0 before anything was computed. */
    public double estimatedSecondsSaved(int reusedUnits) {
        return timedUnits == 0 ? 0 : cachedPartNanos / 1e9 / timedUnits * reusedUnits;
    }

    Map<String, Object> json(double secondsSaved) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps_computed", computedCalls);
        m.put("steps_reused", reusedCalls);
        m.put("blocks_computed", computedBlocks);
        m.put("blocks_reused", reusedBlocks);
        m.put("estimated_seconds_saved", Math.round(secondsSaved * 1000) / 1000.0);
        return m;
    }

    @Override
    public String toString() {
        return computedCalls + " steps computed, " + reusedCalls + " reused; " + computedBlocks + " blocks computed, "
                + reusedBlocks + " reused";
    }
}
