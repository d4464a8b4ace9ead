package org.jcomfy.nodes.models.wan.vae;

import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The per-layer memory that lets the VAE run a video chunk by chunk (spec WAN-MODEL.md §3.4),
 * upstream's {@code feat_cache} / {@code feat_idx}. Every layer that looks back in time owns one
 * {@link Slot}; slots are handed out in execution order, and {@link #startChunk()} rewinds the
 * cursor so that on every chunk each layer meets its own slot again.
 */
final class FeatureCache {
    private final List<Slot> slots = new ArrayList<>();
    private int cursor;

    /** What one time-looking layer remembers between chunks. */
    static final class Slot {
        /** The last input frames this layer saw ({@code [1, C, ≤2, H, W]}), or null before the first chunk. */
        Tensor history;
        /** Whether the layer has run once; upsample3d and downsample3d treat their first chunk specially. */
        boolean started;
    }

    /** Call before each chunk. */
    void startChunk() {
        cursor = 0;
    }

    /** The next layer's slot (created the first time round). */
    Slot next() {
        if (cursor == slots.size()) slots.add(new Slot());
        return slots.get(cursor++);
    }
}
