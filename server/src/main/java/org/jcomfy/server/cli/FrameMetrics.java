package org.jcomfy.server.cli;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * How far a run's output is from the reference run's, with the conventions of the cache papers'
 * evaluation scripts (spec/ANCHORS.md §3, "Quality evaluation conventions"): PSNR over the 8-bit
 * RGB values of all frames, SSIM on luma per frame averaged over the frames, and the mean squared
 * error of two latents.
 *
 * <p>SSIM is Wang et al. (2004) with their constants: an 11x11 Gaussian window of sigma 1.5 over
 * the valid region (no padding), K1 = 0.01, K2 = 0.03, L = 255, on BT.601 luma
 * {@code Y = 0.299 R + 0.587 G + 0.114 B}. A frame smaller than 11 pixels in a direction uses a
 * window that fits it.
 */
final class FrameMetrics {
    private static final int WINDOW = 11;
    private static final double SIGMA = 1.5;
    private static final double C1 = Math.pow(0.01 * 255, 2), C2 = Math.pow(0.03 * 255, 2);

    private FrameMetrics() {}

    /** {@code 10 log10(255² / MSE)} over every RGB value of every frame; infinite when the frames are equal. */
    static double psnr(List<BufferedImage> actual, List<BufferedImage> expected) {
        checkSameFrames(actual, expected);
        double sum = 0;
        long n = 0;
        for (int f = 0; f < actual.size(); f++) {
            BufferedImage a = actual.get(f), e = expected.get(f);
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    int p = a.getRGB(x, y), q = e.getRGB(x, y);
                    for (int shift = 0; shift <= 16; shift += 8) {
                        int d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
                        sum += d * d;
                    }
                    n += 3;
                }
            }
        }
        double mse = sum / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** The mean over the frames of each frame's SSIM on luma; 1 for equal frames. */
    static double ssim(List<BufferedImage> actual, List<BufferedImage> expected) {
        checkSameFrames(actual, expected);
        double sum = 0;
        for (int f = 0; f < actual.size(); f++) sum += ssim(luma(actual.get(f)), luma(expected.get(f)));
        return sum / actual.size();
    }

    /** SSIM of two luma planes {@code [height][width]} of the same size. */
    static double ssim(double[][] x, double[][] y) {
        int h = x.length, w = x[0].length;
        double[] wy = gaussian(Math.min(WINDOW, h)), wx = gaussian(Math.min(WINDOW, w));
        double[][] xx = new double[h][w], yy = new double[h][w], xy = new double[h][w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                xx[i][j] = x[i][j] * x[i][j];
                yy[i][j] = y[i][j] * y[i][j];
                xy[i][j] = x[i][j] * y[i][j];
            }
        }
        double[][] mx = filter(x, wy, wx), my = filter(y, wy, wx);
        double[][] sxx = filter(xx, wy, wx), syy = filter(yy, wy, wx), sxy = filter(xy, wy, wx);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < mx.length; i++) {
            for (int j = 0; j < mx[0].length; j++) {
                double ux = mx[i][j], uy = my[i][j];
                double vx = sxx[i][j] - ux * ux, vy = syy[i][j] - uy * uy, cxy = sxy[i][j] - ux * uy;
                sum += (2 * ux * uy + C1) * (2 * cxy + C2) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
                count++;
            }
        }
        return sum / count;
    }

    /** Mean squared difference of two equally long arrays, accumulated in double. */
    static double mse(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("cannot compare " + actual.length + " values with " + expected.length);
        }
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            sum += d * d;
        }
        return actual.length == 0 ? 0 : sum / actual.length;
    }

    static double[][] luma(BufferedImage image) {
        double[][] y = new double[image.getHeight()][image.getWidth()];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y[0].length; j++) {
                int p = image.getRGB(j, i);
                y[i][j] = 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
            }
        }
        return y;
    }

    /** A normalised 1-D Gaussian of {@code size} taps (the 2-D window is its outer product). */
    private static double[] gaussian(int size) {
        double[] g = new double[size];
        double sum = 0, centre = (size - 1) / 2.0;
        for (int i = 0; i < size; i++) {
            g[i] = Math.exp(-(i - centre) * (i - centre) / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) g[i] /= sum;
        return g;
    }

    /** Separable valid-region filtering: rows with {@code wx}, then columns with {@code wy}. */
    private static double[][] filter(double[][] v, double[] wy, double[] wx) {
        int h = v.length, w = v[0].length, ow = w - wx.length + 1, oh = h - wy.length + 1;
        double[][] rows = new double[h][ow];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < ow; j++) {
                double s = 0;
                for (int k = 0; k < wx.length; k++) s += wx[k] * v[i][j + k];
                rows[i][j] = s;
            }
        }
        double[][] out = new double[oh][ow];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                double s = 0;
                for (int k = 0; k < wy.length; k++) s += wy[k] * rows[i + k][j];
                out[i][j] = s;
            }
        }
        return out;
    }

    private static void checkSameFrames(List<BufferedImage> actual, List<BufferedImage> expected) {
        if (actual.size() != expected.size() || actual.isEmpty()) {
            throw new IllegalArgumentException(actual.size() + " frames against " + expected.size());
        }
        for (int f = 0; f < actual.size(); f++) {
            BufferedImage a = actual.get(f), e = expected.get(f);
            if (a.getWidth() != e.getWidth() || a.getHeight() != e.getHeight()) {
                throw new IllegalArgumentException("frame " + f + " is " + a.getWidth() + "x" + a.getHeight() + ", the reference's "
                        + e.getWidth() + "x" + e.getHeight());
            }
        }
    }
}
