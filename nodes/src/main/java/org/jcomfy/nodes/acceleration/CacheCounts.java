package org.jcomfy.nodes.acceleration;

/**
 * What a cache did for one guidance branch of one run: model calls that computed their blocks
 * and calls that reused stored values, and the blocks computed and skipped over all calls.
 */
public final class CacheCounts {
    int computedCalls, reusedCalls, computedBlocks, reusedBlocks;

    public int computedCalls() { return computedCalls; }
    public int reusedCalls() { return reusedCalls; }
    public int computedBlocks() { return computedBlocks; }
    public int reusedBlocks() { return reusedBlocks; }

    @Override
    public String toString() {
        return computedCalls + " calls computed, " + reusedCalls + " reused; " + computedBlocks + " blocks computed, "
                + reusedBlocks + " reused";
    }
}
