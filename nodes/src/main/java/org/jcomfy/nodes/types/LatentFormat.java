package org.jcomfy.nodes.types;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * How a model family's latents map between raw VAE space and model space
 * ({@code process_in(z) = (z - mean) / std}, {@code process_out} its inverse, per channel),
 * and how a latent is projected to RGB for previews.
 */
public record LatentFormat(String name, float[] mean, float[] std, float[][] rgbFactors, float[] rgbBias) {

    /** Wan 2.1 (spec/WAN-IN-COMFY.md §5); the same constants as the official VAE's mean/std. */
    public static final LatentFormat WAN21 = new LatentFormat("wan21",
            new float[] {-0.7571f, -0.7089f, -0.9113f, 0.1075f, -0.1745f, 0.9653f, -0.1517f, 1.5508f,
                         0.4134f, -0.0715f, 0.5517f, -0.3632f, -0.1922f, -0.9497f, 0.2503f, -0.2921f},
            new float[] {2.8184f, 1.4541f, 2.3275f, 2.6558f, 1.2196f, 1.7708f, 2.6052f, 2.0743f,
                         3.2687f, 2.1526f, 2.8652f, 1.5579f, 1.6382f, 1.1253f, 2.8251f, 1.9160f},
            new float[][] {
                {-0.1299f, -0.1692f, 0.2932f}, {0.0671f, 0.0406f, 0.0442f}, {0.3568f, 0.2548f, 0.1747f},
                {0.0372f, 0.2344f, 0.1420f}, {0.0313f, 0.0189f, -0.0328f}, {0.0296f, -0.0956f, -0.0665f},
                {-0.3477f, -0.4059f, -0.2925f}, {0.0166f, 0.1902f, 0.1975f}, {-0.0412f, 0.0267f, -0.1364f},
                {-0.1293f, 0.0740f, 0.1636f}, {0.0680f, 0.3019f, 0.1128f}, {0.0032f, 0.0581f, 0.0639f},
                {-0.1251f, 0.0927f, 0.1699f}, {0.0060f, -0.0633f, 0.0005f}, {0.3477f, 0.2275f, 0.2950f},
                {0.1984f, 0.0913f, 0.1861f}},
            new float[] {-0.1835f, -0.0868f, -0.3360f});

    public int channels() { return mean.length; }

    /** Raw VAE latent to model space: {@code (z - mean) / std} on dimension 1. */
    public Tensor processIn(Tensor z) { return affine(z, true); }

    /** Model space back to raw VAE latent: {@code z * std + mean}. */
    public Tensor processOut(Tensor z) { return affine(z, false); }

    private Tensor affine(Tensor z, boolean in) {
        long c = z.dim(1);
        if (c != mean.length) throw new IllegalArgumentException(name + " latents have " + mean.length + " channels, got " + z);
        long inner = z.numel() / (z.dim(0) * c);
        Tensor out = Tensor.zeros(DType.F32, z.shape());
        for (long i = 0, n = z.numel(); i < n; i++) {
            int ch = (int) ((i / inner) % c);
            float v = z.getFloat(i);
            out.setFloat(i, in ? (v - mean[ch]) / std[ch] : v * std[ch] + mean[ch]);
        }
        return out;
    }

    /** True when any element is non-zero (ComfyUI skips process_in for an all-zero latent). */
    public static boolean hasNonZero(Tensor z) {
        for (long i = 0, n = z.numel(); i < n; i++) if (z.getFloat(i) != 0f) return true;
        return false;
    }
}
