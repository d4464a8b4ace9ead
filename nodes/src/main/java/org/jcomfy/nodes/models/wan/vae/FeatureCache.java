package org.jcomfy.nodes.models.wan.vae;

import java.util.IdentityHashMap;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The per-layer memory that lets the VAE run a video chunk by chunk (spec WAN-MODEL.md §3.4),
 * upstream's {@code feat_cache}. Every layer that looks back in time owns one {@link Slot},
 * keyed by the identity of its weights, so a layer finds its own history however the frames
 * were cut into chunks: a causal layer fed frames {@code a} then {@code b} computes exactly
 * what it would on {@code a ++ b}.
 */
final class FeatureCache {
    private final Map<Object, Slot> slots = new IdentityHashMap<>();

    /** What one time-looking layer remembers between chunks. */
    static final class Slot {
        /** The last input frames this layer saw ({@code [1, C, ≤2, H, W]}), or null before the first chunk. */
        Tensor history;
        /** Whether the layer has run once; upsample3d and downsample3d treat their first chunk specially. */
        boolean started;
    }

    /** Copies every remembered frame out of {@code scope}, which is about to close (see WanVae's chunk loops). */
    void keepThrough(org.jcomfy.backend.tensor.TensorScope scope) {
        for (Slot s : slots.values()) {
            if (s.history != null) s.history = scope.keep(s.history);
        }
    }

    /** The slot of {@code layer} (its weight record), created on first use. */
    Slot slot(Object layer) {
        return slots.computeIfAbsent(layer, l -> new Slot());
    }
}
