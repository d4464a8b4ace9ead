package org.jcomfy.backend.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorScopeTest {
    @Test
    void a_kept_tensor_survives_the_scope_and_a_temporary_fails_loudly_after_it() {
        Tensor temporary;
        Tensor kept;
        try (TensorScope scope = TensorScope.open()) {
            temporary = Tensor.of(new float[] {1, 2, 3}, 3);
            kept = scope.keep(temporary);
        }
        assertArrayEquals(new float[] {1, 2, 3}, kept.toFloatArray());
        assertThrows(IllegalStateException.class, () -> temporary.getFloat(0));
    }

    @Test
    void memory_recycled_from_an_earlier_scope_comes_back_zeroed() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = Tensor.zeros(DType.F32, 1000);
            for (int i = 0; i < 1000; i++) t.setFloat(i, 7f);
        }
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = Tensor.zeros(DType.F32, 1000);
            for (int i = 0; i < 1000; i++) assertEquals(0f, t.getFloat(i));
        }
    }

    @Test
    void nested_scopes_keep_into_the_enclosing_one_and_tensors_bigger_than_a_slab_work() {
        try (TensorScope outer = TensorScope.open()) {
            Tensor fromInner;
            try (TensorScope inner = TensorScope.open()) {
                Tensor big = Tensor.zeros(DType.F32, TensorScope.SLAB_BYTES / 4 + 10);
                big.setFloat(big.numel() - 1, 5f);
                fromInner = inner.keep(big);
            }
            assertEquals(5f, fromInner.getFloat(fromInner.numel() - 1));
        }
    }

    @Test
    void a_detached_copy_outlives_every_open_scope_and_later_temporaries_stay_scoped() {
        Tensor detached;
        Tensor temporaryAfter;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                detached = TensorScope.detached(Tensor.of(new float[] {4, 5}, 2));
                temporaryAfter = Tensor.zeros(DType.F32, 1);
            }
        }
        assertArrayEquals(new float[] {4, 5}, detached.toFloatArray());
        assertThrows(IllegalStateException.class, () -> temporaryAfter.getFloat(0));
    }
}
