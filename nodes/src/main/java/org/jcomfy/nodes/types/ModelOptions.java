package org.jcomfy.nodes.types;

import java.util.Objects;
import org.jcomfy.nodes.acceleration.AttentionPolicy;
import org.jcomfy.nodes.acceleration.CachePolicy;
import org.jcomfy.nodes.models.parallel.ParallelPlan;

/**
 * What a MODEL carries besides its weights, typed: patch nodes return a copy with one option
 * changed.
 *
 * @param shift     flow sampling shift (ModelSamplingSD3; Wan's default is 8)
 * @param cache     the DiT cache applied by a cache node, or {@link CachePolicy#NONE}
 * @param attention the attention chosen by an AttentionSelect node, or {@link AttentionPolicy#DEVICE}
 * @param parallel  the ranks a ParallelPlan node spreads each step over, or {@link ParallelPlan#SINGLE}
 */
public record ModelOptions(double shift, CachePolicy cache, AttentionPolicy attention, ParallelPlan parallel) {
    public ModelOptions {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(parallel, "parallel");
    }

    public static ModelOptions withDefaultShift(double shift) {
        return new ModelOptions(shift, CachePolicy.NONE, AttentionPolicy.DEVICE, ParallelPlan.SINGLE);
    }

    public ModelOptions withShift(double s) { return new ModelOptions(s, cache, attention, parallel); }

    public ModelOptions withCache(CachePolicy c) { return new ModelOptions(shift, c, attention, parallel); }

    public ModelOptions withAttention(AttentionPolicy a) { return new ModelOptions(shift, cache, a, parallel); }

    public ModelOptions withParallel(ParallelPlan p) { return new ModelOptions(shift, cache, attention, p); }
}
