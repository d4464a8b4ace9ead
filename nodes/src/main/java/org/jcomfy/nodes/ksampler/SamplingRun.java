package org.jcomfy.nodes.ksampler;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.types.Conditioning;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.Latent;

/** One KSampler / KSamplerAdvanced call, as ComfyUI's {@code common_ksampler} does it. */
record SamplingRun(DiffusionModel model, long seed, int steps, double cfg, String sampler, String scheduler,
                   Conditioning positive, Conditioning negative, Latent latent, double denoise, boolean addNoise,
                   int startStep, int endStep, boolean leftoverNoise) {

    static SamplingRun fromInputs(NodeInputs in, long seed, boolean addNoise, int start, int end, boolean leftover) {
        return new SamplingRun(in.get("model", DiffusionModel.class), seed, in.getInt("steps"), in.getDouble("cfg"),
                in.getString("sampler_name"), in.getString("scheduler"), in.get("positive", Conditioning.class),
                in.get("negative", Conditioning.class), in.get("latent_image", Latent.class),
                in.has("denoise") ? in.getDouble("denoise") : 1.0, addNoise, start, end, leftover);
    }

    /** A validation message when the sampler is listed by ComfyUI but not implemented here, else null. */
    static String checkImplemented(NodeInputs constants) {
        return null;
    }

    Latent sample(ExecutionContext context) {
        throw new IllegalStateException("sampling is being integrated");
    }
}
