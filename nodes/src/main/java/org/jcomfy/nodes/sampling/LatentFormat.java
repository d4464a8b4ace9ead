package org.jcomfy.nodes.sampling;

/**
 * ComfyUI's latent format at the sampler boundary ({@code comfy/latent_formats.py}): LATENT tensors hold raw VAE
 * output; the sampler works in model space, process_in(z) = (z − mean)·scale/std per channel (dimension 1),
 * process_out the inverse.
 */
public record LatentFormat(double[] mean, double[] std, double scaleFactor) {
    /** Wan 2.1 (16 channels, the official VAE's mean and std; spec WAN-IN-COMFY.md §5). */
    public static final LatentFormat WAN21 = new LatentFormat(
            new double[] {-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715,
                0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921},
            new double[] {2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652,
                1.5579, 1.6382, 1.1253, 2.8251, 1.9160},
            1.0);

    /** No transformation (for tests and formats without normalisation). */
    public static LatentFormat identity(int channels) {
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        java.util.Arrays.fill(ones, 1.0);
        return new LatentFormat(zeros, ones, 1.0);
    }

    public float[] processIn(float[] z, long[] shape) {
        return map(z, shape, true);
    }

    public float[] processOut(float[] z, long[] shape) {
        return map(z, shape, false);
    }

    private float[] map(float[] z, long[] shape, boolean in) {
        int channels = (int) shape[1];
        if (channels != mean.length) {
            throw new IllegalArgumentException("latent has " + channels + " channels, format expects " + mean.length);
        }
        int inner = 1;
        for (int d = 2; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        float[] out = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            int c = (i / inner) % channels;
            // float32 arithmetic in torch's order: (z - mean) * scale / std, and z * std / scale + mean
            float m = (float) mean[c];
            float s = (float) std[c];
            float k = (float) scaleFactor;
            out[i] = in ? (z[i] - m) * k / s : z[i] * s / k + m;
        }
        return out;
    }
}
