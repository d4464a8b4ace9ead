package org.jcomfy.nodes.acceleration;

import org.jcomfy.backend.tensor.Tensor;

/**
 * The measures ComfyUI's EasyCache and LazyCache decide on: mean absolute values and mean
 * absolute differences, the latter on a subsample of every 8th row and column of the last two
 * dimensions (ComfyUI's {@code x[..., ::8, ::8]}). Accumulated in double.
 */
final class ChangeMeter {
    static final int SUBSAMPLE = 8;

    private ChangeMeter() {}

    /** The subsampled values of {@code t} (rank ≥ 2), in order. */
    static float[] subsample(Tensor t) {
        float[] v = t.toFloatArray();
        int rank = t.rank();
        int h = (int) t.dim(rank - 2), w = (int) t.dim(rank - 1);
        int planes = v.length / (h * w);
        int hs = (h + SUBSAMPLE - 1) / SUBSAMPLE, ws = (w + SUBSAMPLE - 1) / SUBSAMPLE;
        float[] out = new float[planes * hs * ws];
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < h; y += SUBSAMPLE) {
                for (int x = 0; x < w; x += SUBSAMPLE) out[o++] = v[(p * h + y) * w + x];
            }
        }
        return out;
    }

    static double meanAbsDifference(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s / a.length;
    }

    static double sumAbs(float[] a) {
        double s = 0;
        for (float x : a) s += Math.abs(x);
        return s;
    }
}
