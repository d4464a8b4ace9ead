package org.jcomfy.backend.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BroadcastingTest {

    @Test
    void shapes_align_from_the_last_dimension_and_size_one_stretches() {
        assertArrayEquals(new long[] {2, 3}, Broadcasting.shape(new long[] {2, 1}, new long[] {3}));
        assertArrayEquals(new long[] {4, 2, 5}, Broadcasting.shape(new long[] {4, 1, 5}, new long[] {2, 1}));
    }

    @Test
    void a_size_one_dimension_against_an_empty_one_is_empty_as_in_torch() {
        assertArrayEquals(new long[] {0, 4}, Broadcasting.shape(new long[] {0, 1}, new long[] {1, 4}));
    }

    @Test
    void different_sizes_other_than_one_are_refused_with_both_shapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Broadcasting.shape(new long[] {2, 3}, new long[] {4}));
        assertTrue(e.getMessage().contains("[2, 3] and [4]"), e.getMessage());
    }
}
