package org.jcomfy.nodes.ksampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.backend.attention.AttentionChoice;
import org.jcomfy.backend.attention.AttentionSelector;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.ForwardPlan;
import org.jcomfy.nodes.models.parallel.InProcessRanks;
import org.jcomfy.nodes.models.parallel.ParallelPlan;
import org.jcomfy.nodes.models.parallel.RankForward;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.latent.LatentPreview;
import org.jcomfy.nodes.sampling.Cfg;
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
        AttentionSelector selector = selector();
        RankForward<Conditioning> forward = (x, timestep, cond, call, sequence) -> {
            // A cache keeps one state per guidance branch: a branch of several conds (averaged
            // below) would mix theirs, so it runs uncached.
            BlockLoop loop = cond.entries().size() == 1 ? model.options().cache().blockLoop(call) : BlockLoop.EVERY_BLOCK;
            return predict(x, timestep, cond, new ForwardPlan(loop, selector, sequence));
        };
        VelocityModel<Conditioning> onRanks = InProcessRanks.velocity(model.options().parallel(), forward, negative, guided());
        VelocityModel<Conditioning> velocity = (x, timestep, cond, call) -> {
            context.checkInterrupted();
            run[0] = call.run();
            return onRanks.velocity(x, timestep, cond, call);
        };
        boolean previews = !"none".equals(context.previewMethod());
        StepCallback onStep = (step, total, x, denoised) -> {
            if (previews) context.preview(LatentPreview.toImage(denoised));
            context.progress(step + 1, total);
        };
        Set<AttentionChoice> made = ConcurrentHashMap.newKeySet();
        Tensor out;
        try (AttentionSelector.Listening listening = listenForChoices(context, made)) {
            out = KSamplerRun.run(velocity, sampling, model.latentFormat(), samples, null, positive, negative,
                    settings, onStep, model.options().cache());
        }
        reportCache(context, run[0]);
        reportAttention(context, made);
        return latent.withSamples(out);
    }

    /**
     * Whether the sampler evaluates the uncond branch; with cfg 1 it does not, and a plan's
     * cfg_parallel runs the cond branch on the first rank group alone (said once in the log).
     */
    private boolean guided() {
        boolean guided = !Cfg.skipsUncond(settings.cfg());
        ParallelPlan plan = model.options().parallel();
        if (!guided && plan.cfgParallel()) {
            LOG.log(System.Logger.Level.WARNING, "cfg " + settings.cfg() + " has no uncond branch: cfg_parallel has nothing to split, "
                    + "so each step runs on the first " + plan.sequenceSize() + " of the plan's " + plan.world() + " ranks");
        }
        return guided;
    }

    /** The MODEL's own attention selector (AttentionSelect), or null for the device's default. */
    private AttentionSelector selector() {
        return model.options().attention().selector();
    }

    /** While sampling, each new attention choice goes out at once as a {@code jcomfy.attention_choice} event. */
    private AttentionSelector.Listening listenForChoices(ExecutionContext context, Set<AttentionChoice> made) {
        AttentionSelector selector = selector();
        if (selector == null) return () -> { };
        return selector.onChoice(choice -> {
            made.add(choice);
            LOG.log(System.Logger.Level.INFO, choice.describe());
            context.event("jcomfy.attention_choice", describe(choice, true));
        });
    }

    /**
     * Every choice the MODEL's selector holds (made by this prompt, or remembered from an earlier
     * one with the same MODEL) as a {@code jcomfy.attention_report} event.
     */
    private void reportAttention(ExecutionContext context, Set<AttentionChoice> made) {
        AttentionSelector selector = selector();
        if (selector == null) return;
        List<Map<String, Object>> choices = new ArrayList<>();
        for (AttentionChoice choice : selector.choices().values()) choices.add(describe(choice, made.contains(choice)));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("setting", model.options().attention().setting());
        report.put("choices", choices);
        LOG.log(System.Logger.Level.INFO, "attention: " + choices.size() + " shape(s), " + made.size() + " chosen by this prompt");
        context.event("jcomfy.attention_report", report);
    }

    private static Map<String, Object> describe(AttentionChoice choice, boolean madeNow) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("shape", choice.shape().toString());
        d.put("implementation", choice.implementation());
        d.put("mode", choice.mode().name().toLowerCase());
        d.put("reason", choice.reason());
        Map<String, Object> timings = new LinkedHashMap<>();
        choice.timingsNanos().forEach((name, nanos) -> timings.put(name, nanos / 1e6));
        d.put("timings_ms", timings);
        d.put("failures", choice.failures());
        d.put("selection_ms", choice.selectionNanos() / 1e6);
        d.put("this_prompt", madeNow);
        return d;
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
    private Tensor predict(Tensor x, double timestep, Conditioning cond, ForwardPlan plan) {
        long batch = x.dim(0);
        double[] timesteps = new double[(int) batch];
        java.util.Arrays.fill(timesteps, timestep);
        float[] sum = null;
        for (Conditioning.Entry entry : cond.entries()) {
            Tensor context = entry.embedding();
            if (batch > 1 && context.dim(0) == 1) context = repeat(context, batch);
            float[] v = model.net().forward(x, timesteps, context, entry.extras(), plan).toFloatArray();
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
