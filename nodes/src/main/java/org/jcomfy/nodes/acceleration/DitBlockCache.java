package org.jcomfy.nodes.acceleration;

import java.util.Map;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.ModelCall;

/**
 * MindIE SD's {@code dit_block_cache} (spec/ANCHORS.md §3.1): a static schedule that skips a range
 * of blocks on some steps. Step s is a refresh step when {@code s < stepStart} or
 * {@code (s - stepStart) % stepInterval == 0}; every block runs then, and from {@code stepStart}
 * on the residual of the range, {@code out(blockEnd - 1) - in(blockStart)}, is stored. On the
 * other steps the range {@code [blockStart, blockEnd)} is replaced by adding that residual; blocks
 * outside it always run.
 *
 * <p>One difference from MindIE's class, which ignores it: steps after {@code stepEnd} are refresh
 * steps, as in MindIE's attention cache, so the knob means the same for both methods (with
 * {@code stepEnd} at the last step the two agree). The cache is off, and the forward exactly the
 * plain one, when {@code stepInterval == 1}, {@code stepStart} is past the last step or the range
 * is empty (MindIE's {@code CacheAgent} rules). Extra evaluations of two-stage samplers always
 * compute. Each guidance branch keeps its own residual.
 */
public record DitBlockCache(CacheSchedule schedule) implements CachePolicy {

    public DitBlockCache(int stepStart, int stepInterval, int stepEnd, int blockStart, int blockEnd) {
        this(new CacheSchedule(stepStart, stepInterval, stepEnd, blockStart, blockEnd));
    }

    /** Per branch and run: the stored residual and what was done. */
    static final class State {
        Tensor residual;
        final CacheCounts counts = new CacheCounts();
    }

    @Override
    public Map<String, Object> report(DenoisingRun run) {
        return CacheReports.report(this, "dit_block_cache", run, State.class, s -> s.counts, c -> c.reusedCalls());
    }

    @Override
    public BlockLoop blockLoop(ModelCall call) {
        if (!schedule.activeFor(call.run().steps())) return BlockLoop.EVERY_BLOCK;
        State state = call.run().state(call.branch(), this, State::new);
        boolean reuse = call.firstOfStep() && schedule.reuses(call.step()) && state.residual != null;
        boolean store = call.firstOfStep() && !reuse && call.step() >= schedule.stepStart();
        int blockStart = schedule.blockStart(), blockEnd = schedule.blockEnd();
        return (hidden, blocks) -> {
            int end = Math.min(blockEnd, blocks.count());
            Tensor h = hidden;
            for (int i = 0; i < blockStart; i++) h = blocks.compute(i, h, BlockLoop.SelfAttention.COMPUTE);
            if (reuse) {
                h = blocks.kernels().add(h, state.residual);
                state.counts.reusedCalls++;
                state.counts.reusedBlocks += end - blockStart;
            } else {
                Tensor in = h;
                long t0 = System.nanoTime();
                for (int i = blockStart; i < end; i++) h = blocks.compute(i, h, BlockLoop.SelfAttention.COMPUTE);
                state.counts.cachedPartNanos += System.nanoTime() - t0;
                state.counts.timedUnits++;
                // Detached: the residual outlives this forward and its scopes.
                if (store) state.residual = TensorScope.detached(blocks.kernels().sub(h, in));
                state.counts.computedCalls++;
                state.counts.computedBlocks += end - blockStart;
            }
            for (int i = end; i < blocks.count(); i++) h = blocks.compute(i, h, BlockLoop.SelfAttention.COMPUTE);
            state.counts.computedBlocks += blockStart + (blocks.count() - end);
            return h;
        };
    }
}
