package org.jcomfy.nodes.sampling;

/** The few element-wise operations the samplers are written in (float32 storage, double coefficients). */
final class FloatArrays {
    private FloatArrays() {}

    /** a·x + b·y */
    static float[] lincomb(double a, float[] x, double b, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (a * x[i] + b * y[i]);
        }
        return out;
    }

    /** a·x + b·y + c·z */
    static float[] lincomb(double a, float[] x, double b, float[] y, double c, float[] z) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (a * x[i] + b * y[i] + c * z[i]);
        }
        return out;
    }

    /** x + s·d, the Euler update. */
    static float[] step(float[] x, float[] d, double s) {
        return lincomb(1, x, s, d);
    }

    /** The Karras ODE derivative (x - denoised) / sigma. */
    static float[] derivative(float[] x, float[] denoised, double sigma) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) ((x[i] - denoised[i]) / sigma);
        }
        return out;
    }

    static float[] scale(float[] x, double s) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * s);
        }
        return out;
    }
}
