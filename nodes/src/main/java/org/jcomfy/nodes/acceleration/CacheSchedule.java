package org.jcomfy.nodes.acceleration;

/**
 * The knobs MindIE SD's two DiT cache methods share (spec/ANCHORS.md §3.1-3.2), with MindIE's
 * names: which steps reuse and which blocks are cached. Step s reuses when
 * {@code stepStart < s <= stepEnd} and {@code (s - stepStart) % stepInterval != 0}; every other
 * step refreshes. Block indices are 0-based, {@code blockEnd} exclusive.
 */
public record CacheSchedule(int stepStart, int stepInterval, int stepEnd, int blockStart, int blockEnd) {

    /**
     * Whether the cache does anything over {@code steps} steps: not with interval 1, a start at or
     * past the last step, or an empty block range (MindIE's {@code CacheAgent} rules).
     */
    public boolean activeFor(int steps) {
        return stepInterval > 1 && stepStart < steps && blockStart < blockEnd;
    }

    /** Whether step {@code s} reuses what the last refresh step stored. */
    public boolean reuses(int s) {
        return s > stepStart && s <= stepEnd && (s - stepStart) % stepInterval != 0;
    }

    @Override
    public String toString() {
        return "steps " + stepStart + "/" + stepInterval + "/" + stepEnd + ", blocks [" + blockStart + ", " + blockEnd + ")";
    }
}
