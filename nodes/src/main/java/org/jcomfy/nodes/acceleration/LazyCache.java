package org.jcomfy.nodes.acceleration;

import java.util.Arrays;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.sampling.Denoiser;

/**
 * ComfyUI core's LazyCache: EasyCache's rule one level up, around the guided prediction of each
 * sampler call (ComfyUI's PREDICT_NOISE wrapper), so one decision and one stored difference
 * {@code denoised − x} cover both guidance branches. Calls after end_percent run plainly and
 * record nothing; only calls with σ at or below σ(start_percent) may be skipped.
 */
public record LazyCache(double reuseThreshold, double startPercent, double endPercent) implements CachePolicy {

    static final class State {
        long[] shape;
        Double relativeRate;
        double cumulative;
        float[] inputBefore, outputBefore, difference;
        Double outputNorm;
        final CacheCounts counts = new CacheCounts();

        void reset() {
            relativeRate = null;
            cumulative = 0;
            inputBefore = outputBefore = difference = null;
            outputNorm = null;
        }
    }

    @Override
    public Denoiser denoiser(DenoisingRun run, Denoiser guided) {
        SigmaWindow window = SigmaWindow.of(run.modelSampling(), startPercent, endPercent);
        return (x, sigma) -> {
            if (window.pastEnd(sigma)) return guided.denoise(x, sigma);
            State s = run.runState(this, State::new);
            Double inputChange = null;
            if (window.started(sigma)) {
                if (s.shape != null && !Arrays.equals(s.shape, x.shape())) s.reset();
                s.shape = x.shape();
                if (s.inputBefore != null) {
                    inputChange = ChangeMeter.meanAbsDifference(ChangeMeter.subsample(x), s.inputBefore);
                    if (s.outputNorm != null && s.relativeRate != null) {
                        s.cumulative += s.relativeRate * inputChange / s.outputNorm;
                        if (s.cumulative < reuseThreshold) {
                            s.counts.reusedCalls++;
                            float[] xs = x.toFloatArray();
                            for (int i = 0; i < xs.length; i++) xs[i] += s.difference[i];
                            return Tensor.of(xs, x.shape());
                        }
                        s.cumulative = 0;
                    }
                }
            }
            Tensor out = guided.denoise(x, sigma);
            s.counts.computedCalls++;
            if (s.outputNorm != null && inputChange != null) {
                s.relativeRate = ChangeMeter.meanAbsDifference(ChangeMeter.subsample(out), s.outputBefore) / inputChange;
            }
            float[] xs = x.toFloatArray(), os = out.toFloatArray();
            s.difference = new float[os.length];
            for (int i = 0; i < os.length; i++) s.difference[i] = os[i] - xs[i];
            s.inputBefore = ChangeMeter.subsample(x);
            s.outputBefore = ChangeMeter.subsample(out);
            s.outputNorm = ChangeMeter.sumAbs(os) / os.length;
            return out;
        };
    }

    @Override
    public Map<String, Object> report(DenoisingRun run) {
        State s = run.existingRunState(this, State.class);
        if (s == null) return null;
        return CacheReports.report(this, "LazyCache", run, Map.of("guided", s.counts));
    }
}
