package org.jcomfy.nodes.types;

import java.util.Map;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.ForwardPlan;
import org.jcomfy.backend.tensor.Tensor;

/** The network behind a MODEL: predicts the flow velocity for a model-space latent. */
public interface DiffusionNet {
    /** A short name of the detected architecture, e.g. {@code wan2.1 t2v dim=1536 layers=30}. */
    String architecture();

    /** Channels of the latent the sampler works on (16 for Wan 2.1). */
    int latentChannels();

    /** Number of transformer blocks (what a DiT cache's block range refers to). */
    int blockCount();

    /** Attention heads per block (what a Ulysses split divides). */
    int heads();

    /**
     * The velocity {@code v} for {@code x [B, C, T, h, w]} (model space) at per-sample model
     * timesteps {@code σ·1000}, with text context {@code [B, L, textDim]}. {@code extras} carries
     * the conditioning extras of the batch (image-to-video concat latent and mask, ...); {@code plan}
     * says how the call runs ({@link ForwardPlan#PLAIN}, or a cache policy's {@link BlockLoop} and
     * an AttentionSelect node's kernel).
     */
    Tensor forward(Tensor x, double[] timesteps, Tensor context, Map<String, Object> extras, ForwardPlan plan);
}
