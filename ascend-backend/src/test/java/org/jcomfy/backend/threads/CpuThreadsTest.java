package org.jcomfy.backend.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuThreadsTest {

    @Test
    void every_item_runs_exactly_once_for_any_size_and_grain() {
        CpuThreads pool = new CpuThreads(3);
        for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001}) {
            for (int grain : new int[] {1, 5, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                pool.parallelFor(n, grain, (s, e) -> {
                    for (long i = s; i < e; i++) hits.incrementAndGet((int) i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " item " + i);
            }
        }
    }

    @Test
    void work_started_inside_a_chunk_completes() {
        CpuThreads pool = new CpuThreads(2);
        AtomicLong sum = new AtomicLong();
        pool.forEach(4, i -> pool.forEach(10, j -> sum.addAndGet(i * 10L + j)));
        assertEquals(780, sum.get());
    }

    @Test
    void an_exception_in_a_chunk_reaches_the_caller() {
        CpuThreads pool = new CpuThreads(2);
        assertThrows(IllegalStateException.class, () -> pool.forEach(8, i -> {
            if (i == 5) throw new IllegalStateException("boom");
        }));
    }
}
