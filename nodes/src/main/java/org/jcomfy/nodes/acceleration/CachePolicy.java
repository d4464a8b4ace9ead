package org.jcomfy.nodes.acceleration;

import java.util.Map;
import java.util.function.Supplier;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.ModelCall;
import org.jcomfy.nodes.sampling.Denoiser;

/**
 * A cache: a policy that may reuse earlier work at one of three levels of a denoising run, each
 * a method whose default does nothing. Its state across steps lives in the
 * {@link DenoisingRun} (one per guidance branch), never in the policy, so a MODEL carrying a
 * policy can be shared by prompts running one after another.
 *
 * <p>Under a parallel plan ({@code org.jcomfy.nodes.models.parallel.InProcessRanks}) the first two
 * levels run once, on the sampler's thread, before the forward; {@link #blockLoop} runs on every
 * rank, with a {@link ModelCall} whose run is the rank's own (it holds that rank's shard of what
 * the loop stores). A block loop must therefore decide only from what every rank sees alike (the
 * step, the timestep embedding), so that all ranks take the same decision at every call.
 */
public interface CachePolicy {
    /** No cache. */
    CachePolicy NONE = new CachePolicy() {
        @Override public String toString() { return "none"; }
    };

    /** Around the guided prediction of each sampler call (ComfyUI's PREDICT_NOISE level: LazyCache). */
    default Denoiser denoiser(DenoisingRun run, Denoiser guided) { return guided; }

    /**
     * Around one model call, on the model's input {@code x} and its velocity (ComfyUI's
     * DIFFUSION_MODEL level: EasyCache); {@code model} runs the network.
     */
    default Tensor velocity(ModelCall call, Tensor x, Supplier<Tensor> model) { return model.get(); }

    /** Inside the DiT: the block loop to run for this call (DiTCache's two methods). */
    default BlockLoop blockLoop(ModelCall call) { return BlockLoop.EVERY_BLOCK; }

    /**
     * What the policy did in {@code run}, for the {@code jcomfy.cache_report} event and the log;
     * null when it did nothing.
     */
    default Map<String, Object> report(DenoisingRun run) { return null; }
}
