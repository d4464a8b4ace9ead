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

    /**
     * float32 to float8 e4m3fn, rounding to nearest even as torch's {@code .to(torch.float8_e4m3fn)}
     * does; values beyond the largest finite 448 saturate to it (torch would give NaN).
     */
    public static byte floatToE4M3(float f) {
        if (Float.isNaN(f)) return (byte) 0x7f;
        int bits = Float.floatToRawIntBits(f);
        int sign = bits & 0x80000000;
        bits ^= sign;
        int result;
        if (bits >= (1087 << 20)) {                       // >= 480: beyond the format
            result = 0x7e;
        } else if (bits < (121 << 23)) {                  // below 2^-6: subnormal (or zero)
            int denormMask = 141 << 23;
            result = Float.floatToRawIntBits(Float.intBitsToFloat(bits) + Float.intBitsToFloat(denormMask)) - denormMask;
        } else {
            int mantissaOdd = (bits >>> 20) & 1;
            bits += ((7 - 127) << 23) + 0x7ffff;          // rebias the exponent, add half an ulp minus one
            bits += mantissaOdd;                          // ... plus one when odd: ties go to even
            result = bits >>> 20;
        }
        if ((result & 0x7f) == 0x7f) result = 0x7e;       // rounded up onto the NaN pattern: saturate
        return (byte) (result | (sign >>> 24));
    }

    /** float32 to float8 e5m2 (nearest even; beyond 57344 saturates to it rather than infinity). */
    public static byte floatToE5M2(float f) {
        if (Float.isNaN(f)) return (byte) 0x7f;
        int bits = Float.floatToRawIntBits(f);
        int sign = bits & 0x80000000;
        bits ^= sign;
        int result;
        if (bits >= (143 << 23)) {                        // >= 65536: beyond the format
            result = 0x7b;
        } else if (bits < (113 << 23)) {                  // below 2^-14: subnormal (or zero)
            int denormMask = 134 << 23;
            result = Float.floatToRawIntBits(Float.intBitsToFloat(bits) + Float.intBitsToFloat(denormMask)) - denormMask;
        } else {
            int mantissaOdd = (bits >>> 21) & 1;
            bits += ((15 - 127) << 23) + 0xfffff;
            bits += mantissaOdd;
            result = bits >>> 21;
        }
        if ((result & 0x7f) >= 0x7c) result = 0x7b;       // rounded up to infinity: saturate
        return (byte) (result | (sign >>> 24));
    }
}
