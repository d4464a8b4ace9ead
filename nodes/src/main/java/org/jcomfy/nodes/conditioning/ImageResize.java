package org.jcomfy.nodes.conditioning;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * ComfyUI's {@code common_upscale(..., "bilinear", "center")} for IMAGE frames: crop the source
 * to the target aspect ratio around its centre, then bilinear-resize with half-pixel centres
 * (torch's {@code interpolate(align_corners=False)}, no antialiasing).
 */
final class ImageResize {
    private ImageResize() {}

    static Tensor bilinearCenterCrop(Tensor frames, int width, int height) {
        long n = frames.dim(0), h = frames.dim(1), w = frames.dim(2), c = frames.dim(3);
        double oldAspect = (double) w / h, newAspect = (double) width / height;
        long x0 = 0, y0 = 0, cw = w, ch = h;
        if (oldAspect > newAspect) {
            x0 = Math.round((w - w * (newAspect / oldAspect)) / 2);
            cw = w - 2 * x0;
        } else if (oldAspect < newAspect) {
            y0 = Math.round((h - h * (oldAspect / newAspect)) / 2);
            ch = h - 2 * y0;
        }
        Tensor out = Tensor.zeros(DType.F32, n, height, width, c);
        double sy = (double) ch / height, sx = (double) cw / width;
        for (long f = 0; f < n; f++) {
            for (int y = 0; y < height; y++) {
                double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                long ya = Math.min((long) fy, ch - 1), yb = Math.min(ya + 1, ch - 1);
                double wy = fy - ya;
                for (int x = 0; x < width; x++) {
                    double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                    long xa = Math.min((long) fx, cw - 1), xb = Math.min(xa + 1, cw - 1);
                    double wx = fx - xa;
                    for (long k = 0; k < c; k++) {
                        double a = px(frames, f, y0 + ya, x0 + xa, k, h, w, c), b = px(frames, f, y0 + ya, x0 + xb, k, h, w, c);
                        double d = px(frames, f, y0 + yb, x0 + xa, k, h, w, c), e = px(frames, f, y0 + yb, x0 + xb, k, h, w, c);
                        double v = (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
                        out.setFloat(((f * height + y) * width + x) * c + k, (float) v);
                    }
                }
            }
        }
        return out;
    }

    private static double px(Tensor t, long f, long y, long x, long k, long h, long w, long c) {
        return t.getFloat(((f * h + y) * w + x) * c + k);
    }
}
