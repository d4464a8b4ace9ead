package org.jcomfy.nodes.ksampler;

import java.util.Map;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.latent.LatentPreview;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.KSamplerRun;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.Samplers;
import org.jcomfy.nodes.sampling.StepCallback;
import org.jcomfy.nodes.sampling.VelocityModel;
import org.jcomfy.nodes.types.Conditioning;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.Latent;

/**
 * One KSampler / KSamplerAdvanced call: binds the MODEL and CONDITIONING values to the sampling
 * core ({@link KSamplerRun}, which follows ComfyUI's {@code common_ksampler}), and reports each
 * step as a progress event with a latent preview.
 */
record SamplingRun(DiffusionModel model, Conditioning positive, Conditioning negative, Latent latent,
                   KSamplerSettings settings) {
    private static final System.Logger LOG = System.getLogger(SamplingRun.class.getName());

    static SamplingRun fromInputs(NodeInputs in, KSamplerSettings settings) {
        return new SamplingRun(in.get("model", DiffusionModel.class), in.get("positive", Conditioning.class),
                in.get("negative", Conditioning.class), in.get("latent_image", Latent.class), settings);
    }

    /** A validation message when the sampler is listed by ComfyUI but not implemented here, else null. */
    static String checkImplemented(NodeInputs constants) {
        String name = constants.has("sampler_name") ? constants.getString("sampler_name") : null;
        return name == null || Samplers.isImplemented(name) ? null : Samplers.notImplementedMessage(name);
    }

    Latent sample(ExecutionContext context) {
        if (latent.noiseMask() != null) {
            throw new UnsupportedOperationException("latents with a noise_mask (inpainting) are not supported by jcomfy's sampler yet");
        }
        Tensor samples = videoLatent(latent.samples(), model.net().latentChannels());
        FlowModelSampling sampling = FlowModelSampling.withShift(model.shift());
        DenoisingRun[] run = new DenoisingRun[1];
        VelocityModel<Conditioning> velocity = (x, timestep, cond, call) -> {
            context.checkInterrupted();
            run[0] = call.run();
            // A cache keeps one state per guidance branch: a branch of several conds (averaged
            // below) would mix theirs, so it runs uncached.
            BlockLoop loop = cond.entries().size() == 1 ? model.options().cache().blockLoop(call) : BlockLoop.EVERY_BLOCK;
            return predict(x, timestep, cond, loop);
        };
        boolean previews = !"none".equals(context.previewMethod());
        StepCallback onStep = (step, total, x, denoised) -> {
            if (previews) context.preview(LatentPreview.toImage(denoised));
            context.progress(step + 1, total);
        };
        Tensor out = KSamplerRun.run(velocity, sampling, model.latentFormat(), samples, null, positive, negative,
                settings, onStep);
        reportCache(context, run[0]);
        return latent.withSamples(out);
    }

    /** What the DiT cache did, as a {@code jcomfy.cache_report} event and a log line. */
    private void reportCache(ExecutionContext context, DenoisingRun run) {
        Map<String, Object> report = run == null ? null : model.options().cache().report(run);
        if (report == null) return;
        LOG.log(System.Logger.Level.INFO, "DiT cache: " + report);
        context.event("jcomfy.cache_report", report);
    }

    /**
     * The velocity for one conditioning. Several entries (full-area conds) are averaged, as
     * ComfyUI weighs equal-strength conds; each entry's text rows are shared across the batch.
     */
    private Tensor predict(Tensor x, double timestep, Conditioning cond, BlockLoop loop) {
        long batch = x.dim(0);
        double[] timesteps = new double[(int) batch];
        java.util.Arrays.fill(timesteps, timestep);
        float[] sum = null;
        for (Conditioning.Entry entry : cond.entries()) {
            Tensor context = entry.embedding();
            if (batch > 1 && context.dim(0) == 1) context = repeat(context, batch);
            float[] v = model.net().forward(x, timesteps, context, entry.extras(), loop).toFloatArray();
            if (sum == null) {
                sum = v;
            } else {
                for (int i = 0; i < v.length; i++) sum[i] += v[i];
            }
        }
        if (sum == null) throw new IllegalArgumentException("empty conditioning");
        int n = cond.entries().size();
        if (n > 1) for (int i = 0; i < sum.length; i++) sum[i] /= n;
        return Tensor.of(sum, x.shape());
    }

    private static Tensor repeat(Tensor t, long times) {
        long[] shape = t.shape();
        shape[0] = times;
        Tensor out = Tensor.zeros(DType.F32, shape);
        long n = t.byteSize();
        Tensor src = t.toF32();
        for (long i = 0; i < times; i++) java.lang.foreign.MemorySegment.copy(src.data(), 0, out.data(), i * n, n);
        return out;
    }

    /**
     * ComfyUI's {@code fix_empty_latent_channels} for a video model: an image latent gains a time
     * axis, and an all-zero latent with the wrong channel count becomes zeros of the right count.
     */
    static Tensor videoLatent(Tensor samples, int channels) {
        Tensor s = samples.rank() == 4 ? samples.reshape(samples.dim(0), samples.dim(1), 1, samples.dim(2), samples.dim(3)) : samples;
        if (s.rank() != 5) throw new IllegalArgumentException("expected a video latent [B, C, T, h, w], got " + samples);
        if (s.dim(1) != channels) {
            for (long i = 0, n = s.numel(); i < n; i++) {
                if (s.getFloat(i) != 0f) {
                    throw new IllegalArgumentException("the model works on " + channels + "-channel latents, got " + samples);
                }
            }
            s = Tensor.zeros(DType.F32, s.dim(0), channels, s.dim(2), s.dim(3), s.dim(4));
        }
        return s;
    }
}
