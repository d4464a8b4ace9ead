package org.jcomfy.nodes.image;

/**
 * Resizes one float plane [h][w] (row-major) the way ComfyUI's {@code common_upscale} does:
 * torch's {@code interpolate} for nearest-exact, bilinear, bicubic (both align_corners=False,
 * no antialias) and area, and PIL's LANCZOS (on 8-bit values) for lanczos.
 */
public final class Resampling {
    private Resampling() {}

    public static float[] resize(float[] plane, int h, int w, int outH, int outW, String method) {
        return switch (method) {
            case "nearest-exact" -> nearestExact(plane, h, w, outH, outW);
            case "bilinear" -> bilinear(plane, h, w, outH, outW);
            case "bicubic" -> bicubic(plane, h, w, outH, outW);
            case "area" -> area(plane, h, w, outH, outW);
            case "lanczos" -> lanczos(plane, h, w, outH, outW);
            default -> throw new IllegalArgumentException("unknown upscale method: " + method);
        };
    }

    static float[] nearestExact(float[] in, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        double sy = (double) h / outH, sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            int iy = Math.min((int) Math.floor((y + 0.5) * sy), h - 1);
            for (int x = 0; x < outW; x++) {
                int ix = Math.min((int) Math.floor((x + 0.5) * sx), w - 1);
                out[y * outW + x] = in[iy * w + ix];
            }
        }
        return out;
    }

    static float[] bilinear(float[] in, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        double sy = (double) h / outH, sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            double fy = Math.max((y + 0.5) * sy - 0.5, 0);
            int y0 = Math.min((int) fy, h - 1), y1 = Math.min(y0 + 1, h - 1);
            double ly = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.max((x + 0.5) * sx - 0.5, 0);
                int x0 = Math.min((int) fx, w - 1), x1 = Math.min(x0 + 1, w - 1);
                double lx = fx - x0;
                double top = in[y0 * w + x0] * (1 - lx) + in[y0 * w + x1] * lx;
                double bottom = in[y1 * w + x0] * (1 - lx) + in[y1 * w + x1] * lx;
                out[y * outW + x] = (float) (top * (1 - ly) + bottom * ly);
            }
        }
        return out;
    }

    /** Keys' cubic convolution with A = -0.75, as torch uses. */
    private static double cubic(double t) {
        double a = -0.75, x = Math.abs(t);
        if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }

    static float[] bicubic(float[] in, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        double sy = (double) h / outH, sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            double fy = (y + 0.5) * sy - 0.5;
            int iy = (int) Math.floor(fy);
            double ty = fy - iy;
            for (int x = 0; x < outW; x++) {
                double fx = (x + 0.5) * sx - 0.5;
                int ix = (int) Math.floor(fx);
                double tx = fx - ix;
                double sum = 0;
                for (int m = -1; m <= 2; m++) {
                    int yy = Math.clamp(iy + m, 0, h - 1);
                    double wy = cubic(m - ty);
                    double row = 0;
                    for (int n = -1; n <= 2; n++) {
                        int xx = Math.clamp(ix + n, 0, w - 1);
                        row += in[yy * w + xx] * cubic(n - tx);
                    }
                    sum += row * wy;
                }
                out[y * outW + x] = (float) sum;
            }
        }
        return out;
    }

    /** Adaptive average pooling: output cell i averages input [floor(i*in/out), ceil((i+1)*in/out)). */
    static float[] area(float[] in, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            int y0 = (int) Math.floor((double) y * h / outH), y1 = (int) Math.ceil((double) (y + 1) * h / outH);
            for (int x = 0; x < outW; x++) {
                int x0 = (int) Math.floor((double) x * w / outW), x1 = (int) Math.ceil((double) (x + 1) * w / outW);
                double sum = 0;
                for (int yy = y0; yy < y1; yy++) for (int xx = x0; xx < x1; xx++) sum += in[yy * w + xx];
                out[y * outW + x] = (float) (sum / ((y1 - y0) * (x1 - x0)));
            }
        }
        return out;
    }

    private static double sinc(double x) {
        if (x == 0) return 1;
        x *= Math.PI;
        return Math.sin(x) / x;
    }

    private static double lanczos3(double x) {
        return x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
    }

    /**
     * PIL's two-pass LANCZOS on 8-bit values (ComfyUI converts to uint8 PIL images first):
     * horizontal pass, then vertical, each rounded and clipped to 0..255.
     */
    static float[] lanczos(float[] in, int h, int w, int outH, int outW) {
        double[] bytes = new double[in.length];
        for (int i = 0; i < in.length; i++) bytes[i] = ImageTensors.toByte(in[i]);
        double[] horizontal = new double[h * outW];
        for (int y = 0; y < h; y++) resample1d(bytes, y * w, 1, w, horizontal, y * outW, 1, outW);
        double[] both = new double[outH * outW];
        for (int x = 0; x < outW; x++) resample1d(horizontal, x, outW, h, both, x, outW, outH);
        float[] out = new float[both.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (both[i] / 255.0);
        return out;
    }

    private static void resample1d(double[] src, int srcOff, int srcStride, int inSize,
                                   double[] dst, int dstOff, int dstStride, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 3.0 * filterScale;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            double total = 0, acc = 0;
            for (int x = xmin; x < xmax; x++) {
                double weight = lanczos3((x - center + 0.5) / filterScale);
                total += weight;
                acc += weight * src[srcOff + x * srcStride];
            }
            double v = total != 0 ? acc / total : 0;
            dst[dstOff + i * dstStride] = Math.clamp(Math.round(v), 0, 255);
        }
    }
}
