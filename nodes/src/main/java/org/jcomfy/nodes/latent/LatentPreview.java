package org.jcomfy.nodes.latent;

import java.awt.image.BufferedImage;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The fast preview ComfyUI sends while sampling ({@code latent2rgb}): each latent cell of the
 * first frame of the first sample is projected to RGB with the format's fitted factors and bias,
 * then mapped from [-1, 1] to [0, 255]. One pixel per latent cell, as ComfyUI does.
 */
public final class LatentPreview {
    private LatentPreview() {}

    /** Wan 2.1's fitted latent-to-RGB factors {@code [channel][r, g, b]} and bias (ComfyUI latent_formats.Wan21). */
    public static final float[][] WAN21_RGB_FACTORS = {
        {-0.1299f, -0.1692f, 0.2932f}, {0.0671f, 0.0406f, 0.0442f}, {0.3568f, 0.2548f, 0.1747f},
        {0.0372f, 0.2344f, 0.1420f}, {0.0313f, 0.0189f, -0.0328f}, {0.0296f, -0.0956f, -0.0665f},
        {-0.3477f, -0.4059f, -0.2925f}, {0.0166f, 0.1902f, 0.1975f}, {-0.0412f, 0.0267f, -0.1364f},
        {-0.1293f, 0.0740f, 0.1636f}, {0.0680f, 0.3019f, 0.1128f}, {0.0032f, 0.0581f, 0.0639f},
        {-0.1251f, 0.0927f, 0.1699f}, {0.0060f, -0.0633f, 0.0005f}, {0.3477f, 0.2275f, 0.2950f},
        {0.1984f, 0.0913f, 0.1861f}};
    public static final float[] WAN21_RGB_BIAS = {-0.1835f, -0.0868f, -0.3360f};

    /** {@code x0} is a Wan 2.1 model-space prediction {@code [B, C, T, h, w]} or {@code [B, C, h, w]}. */
    public static BufferedImage toImage(Tensor x0) {
        long c = x0.dim(1);
        long h = x0.dim(-2), w = x0.dim(-1);
        float[][] f = WAN21_RGB_FACTORS;
        float[] bias = WAN21_RGB_BIAS;
        BufferedImage img = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_INT_RGB);
        long planeStride = x0.rank() == 5 ? x0.dim(2) * h * w : h * w; // channel stride; frame 0 is at offset 0
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float[] rgb = bias.clone();
                for (int ch = 0; ch < c && ch < f.length; ch++) {
                    float v = x0.getFloat(ch * planeStride + (long) y * w + x);
                    for (int k = 0; k < 3; k++) rgb[k] += v * f[ch][k];
                }
                int r = toByte(rgb[0]), g = toByte(rgb[1]), b = toByte(rgb[2]);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int toByte(float v) {
        return Math.round(Math.max(0f, Math.min(1f, (v + 1f) / 2f)) * 255f);
    }
}
