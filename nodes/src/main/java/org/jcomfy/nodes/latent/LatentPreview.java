package org.jcomfy.nodes.latent;

import java.awt.image.BufferedImage;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.types.LatentFormat;

/**
 * The fast preview ComfyUI sends while sampling ({@code latent2rgb}): each latent cell of the
 * first frame of the first sample is projected to RGB with the format's fitted factors and bias,
 * then mapped from [-1, 1] to [0, 255]. One pixel per latent cell, as ComfyUI does.
 */
public final class LatentPreview {
    private LatentPreview() {}

    /** {@code x0} is a model-space prediction {@code [B, C, T, h, w]} or {@code [B, C, h, w]}. */
    public static BufferedImage toImage(Tensor x0, LatentFormat format) {
        long c = x0.dim(1);
        long h = x0.dim(-2), w = x0.dim(-1);
        float[][] f = format.rgbFactors();
        float[] bias = format.rgbBias();
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
