package org.jcomfy.nodes.models.wan.t5;

/**
 * Shape of a UMT5 encoder (WAN-MODEL.md §2.1). umt5-xxl: vocab 256384, dim 4096,
 * dimAttn 4096 (64 heads of 64), dimFfn 10240, 24 layers, 32 buckets, max distance 128.
 * Every value except the bucket distance and the norm epsilon is read off the weight
 * shapes by {@link UmT5WeightsLoader}.
 */
public record UmT5Config(int vocab, int dim, int dimAttn, int dimFfn, int numHeads, int numLayers,
                         int numBuckets, int maxDistance, float normEps) {
    /** T5's relative positions saturate at this distance. */
    public static final int MAX_DISTANCE = 128;
    /** Epsilon of the T5 RMS norm. */
    public static final float NORM_EPS = 1e-6f;

    public UmT5Config {
        if (numHeads <= 0 || dimAttn % numHeads != 0) {
            throw new IllegalArgumentException("attention width " + dimAttn + " does not split into " + numHeads + " heads");
        }
    }

    public int headDim() { return dimAttn / numHeads; }
}
