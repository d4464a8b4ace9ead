package org.jcomfy.nodes.models;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jcomfy.nodes.sampling.FlowModelSampling;

/**
 * One sampling of one latent, made by the sampler per prompt: it knows the schedule, counts the
 * steps as the sampler reports them, and holds state that lives exactly as long as the run (one
 * slot per guidance branch and per owner, e.g. a cache policy's stored residuals). Nothing of it
 * outlives the run, so the MODEL, which prompts share, stays immutable.
 *
 * <p>The sampler tells the run where it is by reporting each finished step ({@link #stepDone});
 * every model call in between belongs to the current step, and the second and later calls of a
 * branch within one step (two-stage samplers) are numbered as such ({@link ModelCall#evaluation}).
 * Not thread-safe: a run belongs to the sampling thread, with one exception: the two branches'
 * states may be used from two threads at once (CFG parallel evaluates the branches side by side),
 * since each branch has its own map, made with the run.
 */
public final class DenoisingRun {
    private final float[] sigmas;
    private final FlowModelSampling modelSampling;
    private int step;
    private final Map<GuidanceBranch, Integer> callsThisStep = new EnumMap<>(GuidanceBranch.class);
    private final Map<GuidanceBranch, Map<Object, Object>> state = new EnumMap<>(GuidanceBranch.class);
    private final Map<Object, Object> runState = new HashMap<>();

    /**
     * @param sigmas        the sampler's schedule, {@code steps + 1} values
     * @param modelSampling the model's sampling (shift), for policies that work in sigma percentages
     */
    public DenoisingRun(float[] sigmas, FlowModelSampling modelSampling) {
        this.sigmas = sigmas.clone();
        this.modelSampling = modelSampling;
        for (GuidanceBranch b : GuidanceBranch.values()) state.put(b, new HashMap<>());
    }

    public FlowModelSampling modelSampling() { return modelSampling; }

    /** Number of sampler steps. */
    public int steps() { return Math.max(0, sigmas.length - 1); }

    /** The step now running. */
    public int step() { return step; }

    /** A copy of the schedule. */
    public float[] sigmas() { return sigmas.clone(); }

    /** The next model call of {@code branch} at {@code sigma}. */
    public ModelCall call(GuidanceBranch branch, double sigma) {
        int evaluation = callsThisStep.merge(branch, 1, Integer::sum) - 1;
        return new ModelCall(this, branch, step, evaluation, sigma);
    }

    /** The sampler finished step {@code i}: later calls belong to step {@code i + 1}. */
    public void stepDone(int i) {
        step = i + 1;
        callsThisStep.clear();
    }

    /**
     * {@code owner}'s state for the whole run, across branches, made by {@code fresh} on first use
     * (for policies that decide once for both branches, as ComfyUI's EasyCache does).
     */
    @SuppressWarnings("unchecked")
    public <T> T runState(Object owner, Supplier<T> fresh) {
        return (T) runState.computeIfAbsent(owner, o -> fresh.get());
    }

    /** {@code owner}'s run-wide state if it made one, else null. */
    public <T> T existingRunState(Object owner, Class<T> type) {
        return type.cast(runState.get(owner));
    }

    /** {@code owner}'s state for {@code branch} if it made one, else null. */
    public <T> T existingState(GuidanceBranch branch, Object owner, Class<T> type) {
        Map<Object, Object> m = state.get(branch);
        return m == null ? null : type.cast(m.get(owner));
    }

    /** {@code owner}'s state for {@code branch}, made by {@code fresh} on first use. */
    @SuppressWarnings("unchecked")
    public <T> T state(GuidanceBranch branch, Object owner, Supplier<T> fresh) {
        return (T) state.get(branch).computeIfAbsent(owner, o -> fresh.get());
    }
}
