package org.jcomfy.nodes.models.wan.t5;

import org.jcomfy.backend.tensor.Tensor;

/**
 * T5's bidirectional relative-position buckets (WAN-MODEL.md §2.3). For key j seen from
 * query i, {@code rel = j - i}; half the buckets are for keys after the query. Within a
 * half, distances below {@code numBuckets/4} (8 for 32 buckets) get a bucket each, longer
 * ones share logarithmically wider buckets up to {@code maxDistance}, beyond which
 * everything falls into the last bucket.
 *
 * <p>The logarithm is taken in float32, as torch does, so bucket edges match exactly
 * (for 32/128: a = 8–11 → 8, 12–15 → 9, 16–22 → 10, ..., ≥ 91 → 15).
 */
public final class RelativePositionBuckets {
    private RelativePositionBuckets() {}

    /** The bucket of relative position {@code rel = key - query}. */
    public static int bucket(int rel, int numBuckets, int maxDistance) {
        int half = numBuckets / 2;
        int bucket = rel > 0 ? half : 0;
        int a = Math.abs(rel);
        int maxExact = half / 2;
        if (a < maxExact) return bucket + a;
        float ratio = (float) Math.log((float) a / maxExact);
        float scaled = ratio / (float) Math.log((double) maxDistance / maxExact) * (half - maxExact);
        return bucket + Math.min(maxExact + (int) scaled, half - 1);
    }

    /** Buckets for every (query i, key j) pair of a sequence: int64 {@code [length, length]}, row = query. */
    public static Tensor table(int length, int numBuckets, int maxDistance) {
        long[] buckets = new long[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = 0; j < length; j++) buckets[i * length + j] = bucket(j - i, numBuckets, maxDistance);
        }
        return Tensor.ofLongs(buckets, length, length);
    }
}
