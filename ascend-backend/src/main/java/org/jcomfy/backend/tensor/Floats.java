package org.jcomfy.backend.tensor;

/** Conversions between the narrow float formats and float32, bit-exact with torch's. */
public final class Floats {
    private Floats() {}

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Round-to-nearest-even, as torch does when casting float32 to bfloat16. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) 0x7fc0;
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }

    private static final float[] E4M3 = new float[256];
    private static final float[] E5M2 = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            E4M3[i] = decodeE4M3(i);
            E5M2[i] = f16ToFloat((short) (i << 8));
        }
    }

    public static float e4m3ToFloat(byte b) { return E4M3[b & 0xff]; }
    public static float e5m2ToFloat(byte b) { return E5M2[b & 0xff]; }

    /** float8 e4m3fn: 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities, S.1111.111 is NaN. */
    private static float decodeE4M3(int v) {
        int sign = (v >>> 7) & 1;
        int exp = (v >>> 3) & 0xf;
        int man = v & 0x7;
        float mag;
        if (exp == 0xf && man == 0x7) {
            mag = Float.NaN;
        } else if (exp == 0) {
            mag = man / 8f * (float) Math.pow(2, -6);
        } else {
            mag = (1 + man / 8f) * (float) Math.pow(2, exp - 7);
        }
        return sign == 1 ? -mag : mag;
    }

    /** Nearest e4m3fn value (saturating at +-448), used to write fp8 test weights. */
    public static byte floatToE4M3(float f) {
        if (Float.isNaN(f)) return (byte) 0x7f;
        int best = 0;
        float bestErr = Float.POSITIVE_INFINITY;
        for (int i = 0; i < 256; i++) {
            float v = E4M3[i];
            if (Float.isNaN(v)) continue;
            float err = Math.abs(v - f);
            if (err < bestErr || (err == bestErr && (i & 1) == 0)) { bestErr = err; best = i; }
        }
        return (byte) best;
    }
}
