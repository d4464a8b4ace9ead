package org.jcomfy.nodes.sampling;

/**
 * The float32 Box-Muller transform that PyTorch's AVX2 CPU kernel applies to 16 uniforms
 * ({@code normal_fill_16_AVX2}), with its Cephes-derived {@code log256_ps} and {@code sincos256_ps}
 * (Julien Pommier's sse_mathfun, ported to AVX by G. Garberoglio, zlib licence) written out lane by lane.
 *
 * <p>These approximations are not correctly rounded, so {@code Math.log}/{@code Math.cos} would differ from
 * torch in the last bit now and then. The compiler that built torch fuses a multiply whose only use is an
 * add or subtract into one FMA (GCC's default floating-point contraction); {@link Math#fma} reproduces each
 * such fused step, and the tests against torch's own output decide which steps are fused.
 */
final class AvxMath {
    private AvxMath() {}

    private static final float SQRTHF = 0.707106781186547524f;
    private static final float LOG_P0 = 7.0376836292E-2f;
    private static final float LOG_P1 = -1.1514610310E-1f;
    private static final float LOG_P2 = 1.1676998740E-1f;
    private static final float LOG_P3 = -1.2420140846E-1f;
    private static final float LOG_P4 = 1.4249322787E-1f;
    private static final float LOG_P5 = -1.6668057665E-1f;
    private static final float LOG_P6 = 2.0000714765E-1f;
    private static final float LOG_P7 = -2.4999993993E-1f;
    private static final float LOG_P8 = 3.3333331174E-1f;
    private static final float LOG_Q1 = -2.12194440e-4f;
    private static final float LOG_Q2 = 0.693359375f;

    private static final float MINUS_DP1 = -0.78515625f;
    private static final float MINUS_DP2 = -2.4187564849853515625e-4f;
    private static final float MINUS_DP3 = -3.77489497744594108e-8f;
    private static final float SINCOF_P0 = -1.9515295891E-4f;
    private static final float SINCOF_P1 = 8.3321608736E-3f;
    private static final float SINCOF_P2 = -1.6666654611E-1f;
    private static final float COSCOF_P0 = 2.443315711809948E-005f;
    private static final float COSCOF_P1 = -1.388731625493765E-003f;
    private static final float COSCOF_P2 = 4.166664568298827E-002f;
    private static final float FOPI = 1.27323954473516f;
    private static final float TWO_PI = (float) (2.0 * Math.PI);

    /**
     * A multiply whose only use is an add, fused as the torch build does. Settled by experiment: with every such
     * pair fused all 25,463 test values match torch bit for bit; computed unfused, 256 of them differ by one ulp.
     */
    private static float madd(float a, float b, float c) {
        return Math.fma(a, b, c);
    }

    /**
     * In place on data[off..off+16): u1 = 1 - data[j], u2 = data[j+8];
     * data[j] = sqrt(-2 log u1)·cos(2π u2), data[j+8] = sqrt(-2 log u1)·sin(2π u2).
     */
    static void boxMuller16(float[] data, int off) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1.0f - data[off + j];
            float u2 = data[off + j + 8];
            float radius = (float) Math.sqrt(-2.0f * log(u1));
            float theta = TWO_PI * u2;
            float[] sc = sincos(theta);
            data[off + j] = radius * sc[1];
            data[off + j + 8] = radius * sc[0];
        }
    }

    /** {@code log256_ps} for one lane (inputs here are in (0, 1]). */
    static float log(float xin) {
        if (!(xin > 0)) {
            return Float.NaN;
        }
        float x = Math.max(xin, Float.MIN_NORMAL);
        int bits = Float.floatToRawIntBits(x);
        int exponent = (bits >>> 23) - 0x7f;
        x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        float e = (float) exponent + 1.0f;
        boolean below = x < SQRTHF;
        float tmp = below ? x : 0.0f;
        x = x - 1.0f;
        e = e - (below ? 1.0f : 0.0f);
        x = x + tmp;

        float z = x * x;
        float y = madd(LOG_P0, x, LOG_P1);
        y = madd(y, x, LOG_P2);
        y = madd(y, x, LOG_P3);
        y = madd(y, x, LOG_P4);
        y = madd(y, x, LOG_P5);
        y = madd(y, x, LOG_P6);
        y = madd(y, x, LOG_P7);
        y = madd(y, x, LOG_P8);
        y = y * x;
        y = madd(y, z, e * LOG_Q1);
        y = madd(-z, 0.5f, y);
        return madd(e, LOG_Q2, x + y);
    }

    /** {@code sincos256_ps} for one lane; returns {sin, cos}. */
    static float[] sincos(float xin) {
        boolean negative = Float.floatToRawIntBits(xin) < 0;
        float x = Math.abs(xin);
        int j = (int) (x * FOPI);
        j = (j + 1) & ~1;
        float y = (float) j;
        boolean swapSin = (j & 4) != 0;
        boolean firstPoly = (j & 2) == 0;
        boolean cosNegative = ((~(j - 2)) & 4) != 0;
        boolean sinNegative = negative ^ swapSin;

        x = madd(y, MINUS_DP1, x);
        x = madd(y, MINUS_DP2, x);
        x = madd(y, MINUS_DP3, x);

        float z = x * x;
        float c = madd(COSCOF_P0, z, COSCOF_P1);
        c = madd(c, z, COSCOF_P2);
        c = c * z;
        float half = z * 0.5f;
        c = Math.fma(c, z, -half);
        c = c + 1.0f;

        float s = madd(SINCOF_P0, z, SINCOF_P1);
        s = madd(s, z, SINCOF_P2);
        s = s * z;
        s = madd(s, x, x);

        float sin = firstPoly ? s : c;
        float cos = firstPoly ? c : s;
        return new float[] {negative(sin, sinNegative), negative(cos, cosNegative)};
    }

    private static float negative(float v, boolean flip) {
        return flip ? Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ 0x80000000) : v;
    }
}
