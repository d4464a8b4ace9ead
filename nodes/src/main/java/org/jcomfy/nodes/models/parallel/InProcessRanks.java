package org.jcomfy.nodes.models.parallel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.parallel.LocalProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.models.ModelCall;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.sampling.VelocityModel;

/**
 * A sampler's model, each call of which runs on in-process ranks as a {@link ParallelPlan} says:
 * the sampler stays on the calling thread; each model call starts the plan's ranks (threads),
 * every rank builds its USP mesh ({@link UspParallel#mesh}) and runs the forward on its shard,
 * and the caller takes the gathered velocity from the group's first rank.
 *
 * <p><b>Guidance groups.</b> Ranks {@code 0 .. s-1} ({@code s = ulysses · ring}) form the first
 * group, {@code s .. 2s-1} the second. Without CFG parallel the first group evaluates both branches
 * in turn. With it, a cond call evaluates the cond branch on the first group and, at the same time,
 * the uncond branch of the same step on the second (with the negative conditioning and the uncond
 * call the sampler is about to make); the sampler's uncond call that follows takes that result.
 * The sampler combines the two (CFG) after each forward, as with one rank. An uncond call that was
 * not paired (its cond call was served by a cache, or a sampler called the branches otherwise)
 * runs on the second group alone, so each branch always runs on the same ranks. (A paired result
 * the sampler never takes would leave the uncond branch's block-cache state one call ahead; no
 * sampler or cache here does that: a cache that serves the cond call serves it before the forward,
 * so no pair is started, and EasyCache computes the uncond call whenever the cond call computed.)
 *
 * <p><b>Caches.</b> Every rank takes the same cache decision at every call, because every input
 * a decision reads is the same on every rank: EasyCache and LazyCache decide on the caller, before
 * the forward, from the sampler's latent and the gathered outputs; DiTCache's two methods decide
 * from the step alone when the rank builds its block loop; TeaCache decides inside the block loop
 * from the timestep embedding, computed whole on every rank before the sequence is sharded. What a
 * cache stores (a block range's residual, a self-attention output) is the rank's own shard, so
 * each rank keeps its own cache state: the group's first rank in the sampler's
 * {@link DenoisingRun} (so the cache report reads as with one rank), the others in a run of
 * their own that follows the same schedule.
 *
 * <p>Not thread-safe, like the run it serves: one instance per sampling.
 */
public final class InProcessRanks<C> implements VelocityModel<C> {
    /**
     * How long a rank waits for the others at a collective. In-process ranks that fail throw, and
     * their failure reaches the others at once, so the timeout only guards against a hang; it is
     * long because ranks sharing one CPU's thread pool can fall behind one another by a whole
     * kernel (a large model's GEMM takes seconds on a CPU), which is slowness, not a fault.
     */
    static final Duration COLLECTIVE_TIMEOUT = Duration.ofMinutes(10);

    private final ParallelPlan plan;
    private final RankForward<C> forward;
    private final C negative;
    private final boolean pairsBranches;
    private Paired<C> paired;   // the uncond velocity computed alongside the last cond call, until taken

    /** One branch's call: what a group of ranks evaluates. */
    private record Task<C>(Tensor x, double timestep, C conditioning, ModelCall call) {}

    /** An uncond result waiting for the sampler's uncond call. */
    private record Paired<C>(Task<C> task, Tensor velocity) {
        boolean answers(Tensor x, double timestep, C conditioning, ModelCall call) {
            return task.x() == x && task.timestep() == timestep && task.conditioning() == conditioning && task.call().equals(call);
        }
    }

    private InProcessRanks(ParallelPlan plan, RankForward<C> forward, C negative, boolean pairsBranches) {
        this.plan = plan;
        this.forward = forward;
        this.negative = negative;
        this.pairsBranches = pairsBranches;
    }

    /**
     * The sampler's model under {@code plan}: {@code forward} on one rank when the plan has one,
     * else on in-process ranks. {@code guided}: whether the sampler evaluates the uncond branch
     * (cfg != 1); without it CFG parallel has nothing to pair and the first group runs alone.
     */
    public static <C> VelocityModel<C> velocity(ParallelPlan plan, RankForward<C> forward, C negative, boolean guided) {
        if (plan.world() == 1) return (x, timestep, cond, call) -> forward.forward(x, timestep, cond, call, SequenceParallel.NONE);
        return new InProcessRanks<>(plan, forward, negative, guided && plan.cfgParallel());
    }

    @Override
    public Tensor velocity(Tensor x, double timestep, C conditioning, ModelCall call) {
        Task<C> task = new Task<>(x, timestep, conditioning, call);
        if (!pairsBranches) return onGroups(0, List.of(task)).get(0);
        if (call.branch() == GuidanceBranch.COND) {
            ModelCall uncond = new ModelCall(call.run(), GuidanceBranch.UNCOND, call.step(), call.evaluation(), call.sigma());
            Task<C> partner = new Task<>(x, timestep, negative, uncond);
            List<Tensor> both = onGroups(0, List.of(task, partner));
            paired = new Paired<>(partner, both.get(1));
            return both.get(0);
        }
        Paired<C> waiting = paired;
        paired = null;
        if (waiting != null && waiting.answers(x, timestep, conditioning, call)) return waiting.velocity();
        return onGroups(1, List.of(task)).get(0);
    }

    /**
     * Runs {@code tasks.get(i)} on guidance group {@code firstGroup + i}, all at once, and returns
     * each task's velocity. World rank {@code i·s + j} of the ranks started is rank j of task i's
     * group; the groups are cut from one world, so a failing rank fails them all. (Errors name the
     * rank in that world: the plan's rank for a pair or the first group, plan rank {@code s + j}
     * is rank j when the uncond group runs alone.)
     */
    private List<Tensor> onGroups(int firstGroup, List<Task<C>> tasks) {
        int s = plan.sequenceSize();
        if (tasks.size() * s == 1) {   // CFG parallel alone at cfg 1: one rank, this thread
            Task<C> task = tasks.getFirst();
            return List.of(forward.forward(task.x(), task.timestep(), task.conditioning(), task.call(), SequenceParallel.NONE));
        }
        DenoisingRun[] runs = rankRuns(tasks.getFirst().call().run());
        List<Tensor> byRank = LocalProcessGroup.run(tasks.size() * s, COLLECTIVE_TIMEOUT, world -> {
            int taskIndex = world.rank() / s;
            ProcessGroup group = tasks.size() == 1 ? world : world.split(taskIndex, world.rank());
            SequenceParallel sequence = s == 1 ? SequenceParallel.NONE : UspParallel.mesh(group, plan.ulyssesSize());
            Task<C> task = tasks.get(taskIndex);
            ModelCall call = rankCall(task.call(), runs[(firstGroup + taskIndex) * s + group.rank()]);
            return forward.forward(task.x(), task.timestep(), task.conditioning(), call, sequence);
        });
        List<Tensor> out = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) out.add(byRank.get(i * s));
        return out;
    }

    /**
     * The run each plan rank keeps its cache state in, made on the caller at the sampling's first
     * call: a group's first rank uses the sampler's run, every other rank a run of its own.
     */
    private DenoisingRun[] rankRuns(DenoisingRun sampler) {
        return sampler.runState(this, () -> {
            DenoisingRun[] runs = new DenoisingRun[plan.world()];
            for (int rank = 0; rank < runs.length; rank++) {
                runs[rank] = rank % plan.sequenceSize() == 0 ? sampler : new DenoisingRun(sampler.sigmas(), sampler.modelSampling());
            }
            return runs;
        });
    }

    /** {@code call} as a rank makes it: the same call, in the rank's own run. */
    private static ModelCall rankCall(ModelCall call, DenoisingRun own) {
        return own == call.run() ? call : new ModelCall(own, call.branch(), call.step(), call.evaluation(), call.sigma());
    }

    @Override
    public String toString() {
        return "in-process ranks: " + plan;
    }
}
