package org.jcomfy.nodes.acceleration;

import java.util.HashMap;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.ModelCall;

/**
 * MindIE SD's {@code attention_cache} (spec/ANCHORS.md §3.2): each block in
 * {@code [blockStart, blockEnd)} reuses its self-attention output on step s when
 * {@code stepStart < s <= stepEnd} and {@code (s - stepStart) % stepInterval != 0}; the output is
 * stored on the other (refresh) steps before {@code stepEnd}. The rest of each block always runs.
 * Memory: one self-attention output per cached block and branch. Off when
 * {@code stepInterval == 1} or the range is empty; extra evaluations of two-stage samplers
 * always compute.
 */
public record AttentionCache(CacheSchedule schedule) implements CachePolicy {

    public AttentionCache(int stepStart, int stepInterval, int stepEnd, int blockStart, int blockEnd) {
        this(new CacheSchedule(stepStart, stepInterval, stepEnd, blockStart, blockEnd));
    }

    static final class State {
        final Map<Integer, Tensor> outputs = new HashMap<>();
        final CacheCounts counts = new CacheCounts();
    }

    @Override
    public Map<String, Object> report(DenoisingRun run) {
        return CacheReports.report(this, "attention_cache", run, State.class, s -> s.counts, c -> c.reusedBlocks());
    }

    @Override
    public BlockLoop blockLoop(ModelCall call) {
        if (!schedule.activeFor(call.run().steps())) return BlockLoop.EVERY_BLOCK;
        State state = call.run().state(call.branch(), this, State::new);
        boolean reuse = call.firstOfStep() && schedule.reuses(call.step());
        boolean store = call.firstOfStep() && !reuse && call.step() < schedule.stepEnd();
        int blockStart = schedule.blockStart(), blockEnd = schedule.blockEnd();
        BlockLoop.SelfAttention attention = (block, compute) -> {
            boolean inRange = block >= blockStart && block < blockEnd;
            Tensor stored = inRange && reuse ? state.outputs.get(block) : null;
            if (stored != null) {
                state.counts.reusedBlocks++;
                return stored;
            }
            state.counts.computedBlocks++;
            long t0 = System.nanoTime();
            Tensor out = compute.get();
            if (inRange) {
                state.counts.cachedPartNanos += System.nanoTime() - t0;
                state.counts.timedUnits++;
            }
            if (inRange && store) state.outputs.put(block, TensorScope.detached(out));
            return out;
        };
        if (reuse) state.counts.reusedCalls++; else state.counts.computedCalls++;
        return (hidden, blocks) -> {
            Tensor h = hidden;
            for (int i = 0; i < blocks.count(); i++) h = blocks.compute(i, h, attention);
            return h;
        };
    }
}
