package org.jcomfy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private static float[] apply(java.util.function.UnaryOperator<FloatVector> f, float x) {
        float[] out = new float[F.length()];
        f.apply(FloatVector.broadcast(F, x)).intoArray(out, 0);
        return out;
    }

    @Test
    void exp_is_within_two_ulp_of_the_true_value_over_the_float_range() {
        for (float x = -87f; x <= 88.5f; x += 0.0173f) {
            float got = apply(VectorMath::exp, x)[0];
            double want = Math.exp(x);
            assertTrue(Math.abs(got - want) <= 2 * Math.ulp((float) want), x + ": " + got + " vs " + want);
        }
        assertEquals(1f, apply(VectorMath::exp, 0f)[0]);
    }

    @Test
    void exp_gives_exact_zero_and_infinity_in_the_tails() {
        assertEquals(0f, apply(VectorMath::exp, Float.NEGATIVE_INFINITY)[0]);
        assertEquals(0f, apply(VectorMath::exp, -100f)[0]);
        assertEquals(Float.POSITIVE_INFINITY, apply(VectorMath::exp, 100f)[0]);
    }

    @Test
    void tanh_is_close_to_the_true_value_and_exactly_one_in_the_tails() {
        for (float x = -12f; x <= 12f; x += 0.0037f) {
            assertEquals(Math.tanh(x), apply(VectorMath::tanh, x)[0], 2e-7, "tanh " + x);
        }
        assertEquals(1f, apply(VectorMath::tanh, 50f)[0]);
        assertEquals(-1f, apply(VectorMath::tanh, -50f)[0]);
    }
}
