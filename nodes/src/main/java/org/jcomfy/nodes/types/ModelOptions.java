package org.jcomfy.nodes.types;

import java.util.Objects;
import org.jcomfy.nodes.acceleration.AttentionPolicy;
import org.jcomfy.nodes.acceleration.CachePolicy;

/**
 * What a MODEL carries besides its weights, typed: patch nodes return a copy with one option
 * changed. A parallel plan joins here as its node arrives.
 *
 * @param shift     flow sampling shift (ModelSamplingSD3; Wan's default is 8)
 * @param cache     the DiT cache applied by a cache node, or {@link CachePolicy#NONE}
 * @param attention the attention chosen by an AttentionSelect node, or {@link AttentionPolicy#DEVICE}
 */
public record ModelOptions(double shift, CachePolicy cache, AttentionPolicy attention) {
    public ModelOptions {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(attention, "attention");
    }

    public static ModelOptions withDefaultShift(double shift) {
        return new ModelOptions(shift, CachePolicy.NONE, AttentionPolicy.DEVICE);
    }

    public ModelOptions withShift(double s) { return new ModelOptions(s, cache, attention); }

    public ModelOptions withCache(CachePolicy c) { return new ModelOptions(shift, c, attention); }

    public ModelOptions withAttention(AttentionPolicy a) { return new ModelOptions(shift, cache, a); }
}
