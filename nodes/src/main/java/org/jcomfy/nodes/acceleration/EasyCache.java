package org.jcomfy.nodes.acceleration;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.models.ModelCall;

/**
 * ComfyUI core's EasyCache ({@code comfy_extras/nodes_easycache.py}), around each model call: the
 * model's input x and output (the velocity) are compared with the previous call's on a subsample;
 * the ratio of output to input change (k) predicts how much the output moved, the predictions
 * accumulate, and while the sum stays under {@code reuseThreshold} a call returns
 * {@code x + (output − x)} of the last computed call instead of running the model.
 *
 * <p>Only calls with σ in (σ(end_percent), σ(start_percent)] may be skipped; calls after
 * end_percent run plainly and record nothing. ComfyUI evaluates cond and uncond in one batched
 * call and the first cond decides for both; jcomfy calls them one after the other, so the cond
 * call decides and the uncond call of the same sampler call follows its decision, each branch
 * adding its own stored difference. The output norm is taken over both branches' outputs, as
 * ComfyUI's over the batch.
 */
public record EasyCache(double reuseThreshold, double startPercent, double endPercent) implements CachePolicy {

    static final class State {
        long[] shape;
        boolean started;                 // ComfyUI's first_cond_uuid is set
        boolean skipThisCall;
        Double relativeRate;             // output change / input change
        double cumulative;
        float[] inputBefore, outputBefore;
        Double outputNorm;
        double normSum;
        long normCount;
        final Map<GuidanceBranch, float[]> differences = new EnumMap<>(GuidanceBranch.class);
        final Map<GuidanceBranch, CacheCounts> counts = new EnumMap<>(GuidanceBranch.class);

        CacheCounts counts(GuidanceBranch b) { return counts.computeIfAbsent(b, x -> new CacheCounts()); }

        void reset() {
            started = false;
            skipThisCall = false;
            relativeRate = null;
            cumulative = 0;
            inputBefore = outputBefore = null;
            outputNorm = null;
            differences.clear();
        }
    }

    @Override
    public Tensor velocity(ModelCall call, Tensor x, Supplier<Tensor> model) {
        SigmaWindow window = SigmaWindow.of(call.run().modelSampling(), startPercent, endPercent);
        if (window.pastEnd(call.sigma())) return model.get();
        State s = call.run().runState(this, State::new);
        GuidanceBranch branch = call.branch();
        boolean decides = branch == GuidanceBranch.COND;
        if (decides) s.skipThisCall = false;
        Double inputChange = null;
        if (window.started(call.sigma())) {
            if (s.shape != null && !Arrays.equals(s.shape, x.shape())) s.reset();
            s.shape = x.shape();
            boolean canReuse = s.differences.containsKey(branch);
            if (!decides && s.skipThisCall && canReuse) return reuse(s, branch, x);
            if (decides) {
                s.started = true;
                if (s.inputBefore != null) inputChange = ChangeMeter.meanAbsDifference(ChangeMeter.subsample(x), s.inputBefore);
                if (s.outputNorm != null && s.relativeRate != null) {
                    s.cumulative += s.relativeRate * inputChange / s.outputNorm;
                    if (s.cumulative < reuseThreshold && canReuse) {
                        s.skipThisCall = true;
                        return reuse(s, branch, x);
                    }
                    s.cumulative = 0;
                }
            }
        }
        Tensor out = model.get();
        s.counts(branch).computedCalls++;
        float[] xs = x.toFloatArray(), os = out.toFloatArray();
        if (decides && s.started && s.outputNorm != null && inputChange != null) {
            s.relativeRate = ChangeMeter.meanAbsDifference(ChangeMeter.subsample(out), s.outputBefore) / inputChange;
        }
        float[] difference = new float[os.length];
        for (int i = 0; i < os.length; i++) difference[i] = os[i] - xs[i];
        s.differences.put(branch, difference);
        if (s.started) {
            if (decides) {
                s.inputBefore = ChangeMeter.subsample(x);
                s.outputBefore = ChangeMeter.subsample(out);
                s.normSum = 0;
                s.normCount = 0;
            }
            s.normSum += ChangeMeter.sumAbs(os);
            s.normCount += os.length;
            s.outputNorm = s.normSum / s.normCount;
        }
        return out;
    }

    private static Tensor reuse(State s, GuidanceBranch branch, Tensor x) {
        s.counts(branch).reusedCalls++;
        float[] xs = x.toFloatArray(), d = s.differences.get(branch);
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = xs[i] + d[i];
        return Tensor.of(out, x.shape());
    }

    @Override
    public Map<String, Object> report(DenoisingRun run) {
        State s = run.existingRunState(this, State.class);
        if (s == null) return null;
        Map<String, CacheCounts> branches = new LinkedHashMap<>();
        s.counts.forEach((b, c) -> branches.put(b.name().toLowerCase(), c));
        return CacheReports.report(this, "EasyCache", run, branches);
    }
}
