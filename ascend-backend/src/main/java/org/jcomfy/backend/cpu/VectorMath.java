package org.jcomfy.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp and tanh on float vectors from additions, multiplications and bit operations only.
 * {@code lanewise(EXP)} / {@code lanewise(TANH)} run a vendor math library once C2 compiles the
 * kernel and per-lane {@code Math} calls before, and the two differ in the last bit, so a model's
 * output changed as the JIT warmed up. These give the same bits compiled or not.
 *
 * <p>exp is Cephes' {@code expf}: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact
 * reduction), a degree-5 polynomial for e^r (within 2 ulp of the true value), then 2^n from the
 * exponent bits. Inputs below -87.3 give exactly 0 (a softmax's -inf scores), above 88.7 +inf.
 */
public final class VectorMath {
    private VectorMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float below 2^22 to an integer, kept in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final float MIN_INPUT = -87.33654f;   // e^x below the smallest normal float
    private static final float MAX_INPUT = 88.72283f;    // e^x above the largest float
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** e^x, lane by lane. */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.lt(MIN_INPUT);
        VectorMask<Float> over = x.compare(VectorOperators.GT, MAX_INPUT);
        FloatVector c = x.max(MIN_INPUT).min(MAX_INPUT);
        FloatVector t = c.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);                               // round(x·log2 e)
        FloatVector r = c.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5);
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n from the exponent field; n in [-126, 128]: split in two halves so neither overflows.
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaleA = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scaleB = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector result = er.mul(scaleA).mul(scaleB);
        return result.blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
    }

    /** tanh(x) = 1 − 2 / (e^{2x} + 1); exact ±1 in the tails. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector e2 = exp(x.mul(2f));
        return FloatVector.broadcast(x.species(), 1f).sub(FloatVector.broadcast(x.species(), 2f).div(e2.add(1f)));
    }
}
