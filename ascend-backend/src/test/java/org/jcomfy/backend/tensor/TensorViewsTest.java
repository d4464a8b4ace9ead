package org.jcomfy.backend.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TensorViewsTest {

    @Test
    void a_batch_of_one_adds_a_leading_dimension_over_the_same_storage_and_select_undoes_it() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor batch = t.batchOfOne();
        assertArrayEquals(new long[] {1, 2, 3}, batch.shape());
        t.setFloat(4, 50f);
        assertEquals(50f, batch.getFloat(4), "a view, not a copy");
        assertArrayEquals(t.shape(), batch.select(0).shape());
        assertArrayEquals(t.toFloatArray(), batch.select(0).toFloatArray());
    }
}
