package org.jcomfy.nodes.types;

import java.util.Objects;
import org.jcomfy.nodes.acceleration.CachePolicy;

/**
 * What a MODEL carries besides its weights, typed: patch nodes return a copy with one option
 * changed. The attention choice and a parallel plan join here as their nodes arrive.
 *
 * @param shift flow sampling shift (ModelSamplingSD3; Wan's default is 8)
 * @param cache the DiT cache applied by a cache node, or {@link CachePolicy#NONE}
 */
public record ModelOptions(double shift, CachePolicy cache) {
    public ModelOptions {
        Objects.requireNonNull(cache, "cache");
    }

    public static ModelOptions withDefaultShift(double shift) {
        return new ModelOptions(shift, CachePolicy.NONE);
    }

    public ModelOptions withShift(double s) { return new ModelOptions(s, cache); }

    public ModelOptions withCache(CachePolicy c) { return new ModelOptions(shift, c); }
}
