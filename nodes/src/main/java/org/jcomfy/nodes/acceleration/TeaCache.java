package org.jcomfy.nodes.acceleration;

import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.ModelCall;

/**
 * TeaCache for Wan2.1 as the official port decides (spec/ANCHORS.md §3.4): per call the
 * indicator m (the timestep embedding e, or the time projection e0) is compared with the
 * previous call's, {@code d = mean|m − m_prev| / mean|m_prev|}; a fitted polynomial rescales d and
 * the results accumulate; while the sum stays under {@code threshold} every block is skipped and
 * the residual of the last computed call is added, else the blocks run, the residual is stored
 * and the sum restarts. Always computed: the first {@code retSteps} steps (1 for e, 5 for e0),
 * the last step in e mode, and steps outside {@code [startStep, endStep]}. Each guidance branch
 * keeps its own indicator, sum and residual (the port's even/odd calls).
 *
 * @param coefficients the rescaling polynomial, highest degree first ({@code numpy.poly1d})
 * @param endStep      last step that may skip; negative counts from the end (-1: the last step)
 */
public record TeaCache(double threshold, boolean e0Mode, double[] coefficients, int startStep, int endStep)
        implements CachePolicy {

    /** Published coefficients (TeaCache4Wan2.1) by model size and mode. */
    public static double[] coefficients(String model, boolean e0Mode) {
        return switch (model + (e0Mode ? "/e0" : "/e")) {
            case "1.3B/e" -> new double[] {2.39676752e+03, -1.31110545e+03, 2.01331979e+02, -8.29855975e+00, 1.37887774e-01};
            case "14B/e" -> new double[] {-5784.54975374, 5449.50911966, -1811.16591783, 256.27178429, -13.02252404};
            case "1.3B/e0" -> new double[] {-5.21862437e+04, 9.23041404e+03, -5.28275948e+02, 1.36987616e+01, -4.99875664e-02};
            case "14B/e0" -> new double[] {-3.03318725e+05, 4.90537029e+04, -2.65530556e+03, 5.87365115e+01, -3.15583525e-01};
            default -> throw new IllegalArgumentException("no TeaCache coefficients for " + model + " in " + (e0Mode ? "e0" : "e") + " mode");
        };
    }

    static final class State {
        float[] indicatorBefore;
        double accumulated;
        Tensor residual;
        final CacheCounts counts = new CacheCounts();
    }

    int retSteps() { return e0Mode ? 5 : 1; }

    /** Whether step {@code s} of {@code steps} is always computed. */
    boolean forced(int s, int steps) {
        int end = endStep < 0 ? steps + endStep : endStep;
        return s < retSteps() || s < startStep || s > end || (!e0Mode && s == steps - 1);
    }

    double rescale(double d) {
        double r = 0;
        for (double c : coefficients) r = r * d + c;
        return r;
    }

    @Override
    public BlockLoop blockLoop(ModelCall call) {
        State state = call.run().state(call.branch(), this, State::new);
        return (hidden, blocks) -> {
            float[] m = (e0Mode ? blocks.timeModulation() : blocks.timeEmbedding()).toFloatArray();
            boolean compute = true;
            if (call.firstOfStep()) {
                if (!forced(call.step(), call.run().steps()) && state.indicatorBefore != null && state.residual != null) {
                    state.accumulated += rescale(relativeL1(m, state.indicatorBefore));
                    compute = state.accumulated >= threshold;
                }
                if (compute) state.accumulated = 0;
                state.indicatorBefore = m;
            }
            if (!compute) {
                state.counts.reusedCalls++;
                state.counts.reusedBlocks += blocks.count();
                return blocks.kernels().add(hidden, state.residual);
            }
            long t0 = System.nanoTime();
            Tensor h = hidden;
            for (int i = 0; i < blocks.count(); i++) h = blocks.compute(i, h, BlockLoop.SelfAttention.COMPUTE);
            state.counts.cachedPartNanos += System.nanoTime() - t0;
            state.counts.timedUnits++;
            state.counts.computedCalls++;
            state.counts.computedBlocks += blocks.count();
            if (call.firstOfStep()) state.residual = TensorScope.detached(blocks.kernels().sub(h, hidden));
            return h;
        };
    }

    private static double relativeL1(float[] now, float[] before) {
        double diff = 0, base = 0;
        for (int i = 0; i < now.length; i++) {
            diff += Math.abs(now[i] - before[i]);
            base += Math.abs(before[i]);
        }
        return base == 0 ? Double.POSITIVE_INFINITY : diff / base;
    }

    @Override
    public Map<String, Object> report(DenoisingRun run) {
        return CacheReports.report(this, "TeaCache", run, State.class, s -> s.counts, CacheCounts::reusedCalls);
    }

    @Override
    public String toString() {
        return "TeaCache[threshold=" + threshold + ", mode=" + (e0Mode ? "e0" : "e") + ", startStep=" + startStep
                + ", endStep=" + endStep + "]";
    }
}
