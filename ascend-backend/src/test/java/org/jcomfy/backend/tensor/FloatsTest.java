package org.jcomfy.backend.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatsTest {
    @Test
    void every_finite_fp8_value_encodes_back_to_its_own_bits() {
        for (int b = 0; b < 256; b++) {
            float e4 = Floats.e4m3ToFloat((byte) b);
            if (!Float.isNaN(e4) && !(e4 == 0 && b == 0x80)) assertEquals((byte) b, Floats.floatToE4M3(e4), "e4m3 " + b);
            float e5 = Floats.e5m2ToFloat((byte) b);
            if (Float.isFinite(e5) && !(e5 == 0 && b == 0x80)) assertEquals((byte) b, Floats.floatToE5M2(e5), "e5m2 " + b);
        }
    }

    @Test
    void encoding_picks_the_nearest_value_with_ties_to_even_and_saturates() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) (rng.nextDouble(-2, 2) * Math.pow(2, rng.nextInt(-12, 9)));
            assertEquals(nearest(f, true), Floats.e4m3ToFloat(Floats.floatToE4M3(f)), 0f, "e4m3 of " + f);
            assertEquals(nearest(f, false), Floats.e5m2ToFloat(Floats.floatToE5M2(f)), 0f, "e5m2 of " + f);
        }
        assertEquals(448f, Floats.e4m3ToFloat(Floats.floatToE4M3(1e6f)));
        assertEquals(-57344f, Floats.e5m2ToFloat(Floats.floatToE5M2(-1e9f)));
    }

    /** Brute force over all 256 codes: the closest finite value, the even code on a tie. */
    private static float nearest(float f, boolean e4m3) {
        float best = 0;
        double bestErr = Double.POSITIVE_INFINITY;
        int bestCode = 0;
        for (int b = 0; b < 256; b++) {
            float v = e4m3 ? Floats.e4m3ToFloat((byte) b) : Floats.e5m2ToFloat((byte) b);
            if (!Float.isFinite(v)) continue;
            double err = Math.abs((double) v - f);
            if (err < bestErr || (err == bestErr && (b & 1) == 0 && (bestCode & 1) == 1)) {
                bestErr = err;
                best = v;
                bestCode = b;
            }
        }
        return best;
    }
}
