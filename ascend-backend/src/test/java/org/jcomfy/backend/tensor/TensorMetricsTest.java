package org.jcomfy.backend.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorMetricsTest {

    @Test
    void relative_l2_is_the_error_norm_over_the_reference_norm() {
        // error (0, 0, 4) against reference (3, 0, 4): 4 / 5
        assertEquals(0.8, TensorMetrics.relativeL2(new float[] {3, 0, 8}, new float[] {3, 0, 4}), 1e-15);
        assertEquals(0.0, TensorMetrics.relativeL2(Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {1, 2}, 1, 2)));
    }

    @Test
    void a_double_reference_is_not_rounded_to_float() {
        double reference = 0.1;  // not a float
        double expected = Math.abs((float) reference - reference) / reference;
        assertEquals(expected, TensorMetrics.relativeL2(new float[] {(float) reference}, new double[] {reference}), 1e-20);
    }

    @Test
    void a_zero_reference_gives_the_absolute_norm() {
        assertEquals(5.0, TensorMetrics.relativeL2(new float[] {3, 4}, new float[] {0, 0}));
        assertEquals(0.0, TensorMetrics.relativeL2(new float[] {0, 0}, new float[] {0, 0}));
    }

    @Test
    void nan_on_both_sides_agrees_and_nan_on_one_side_fails_every_tolerance() {
        assertEquals(0.0, TensorMetrics.relativeL2(new float[] {Float.NaN, 2}, new float[] {Float.NaN, 2}));
        double oneSided = TensorMetrics.relativeL2(new float[] {Float.NaN, 2}, new float[] {1, 2});
        assertTrue(Double.isNaN(oneSided) && !(oneSided <= 1), "NaN must fail a tolerance check: " + oneSided);
    }

    @Test
    void different_element_counts_are_refused() {
        assertThrows(IllegalArgumentException.class, () -> TensorMetrics.relativeL2(new float[] {1}, new float[] {1, 2}));
    }
}
