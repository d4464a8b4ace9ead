package org.jcomfy.backend.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jcomfy.backend.parallel.ProcessGroup.Reduction;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every collective of the in-process group on real rank threads, sub-groups, a stalled rank and a failing one. */
@Timeout(30)   // a hang guard: every test here finishes in well under a second
class LocalProcessGroupTest {
    private static Tensor filled(float value, long... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, value + i);
        return t;
    }

    @Test
    void all_to_all_delivers_part_j_of_every_rank_to_rank_j_whatever_the_shapes() {
        List<List<float[]>> got = LocalProcessGroup.run(3, g -> {
            List<Tensor> parts = new ArrayList<>();
            for (int j = 0; j < g.size(); j++) parts.add(filled(10 * g.rank() + j, j + 1, g.rank() + 1));
            return g.allToAll(parts).stream().map(Tensor::toFloatArray).toList();
        });
        for (int r = 0; r < 3; r++) {
            for (int from = 0; from < 3; from++) {
                assertArrayEquals(filled(10 * from + r, r + 1, from + 1).toFloatArray(), got.get(r).get(from), "rank " + r + " from " + from);
            }
        }
    }

    @Test
    void all_gather_all_reduce_and_broadcast_give_every_rank_the_same_values() {
        List<List<float[]>> got = LocalProcessGroup.run(4, g -> {
            Tensor mine = filled(g.rank(), 2, 3);
            List<float[]> out = new ArrayList<>();
            g.allGather(mine).forEach(t -> out.add(t.toFloatArray()));
            out.add(g.allReduce(mine, Reduction.SUM).toFloatArray());
            out.add(g.allReduce(filled(g.rank() == 2 ? 100 : -g.rank(), 2, 3), Reduction.MAX).toFloatArray());
            out.add(g.broadcast(g.rank() == 1 ? filled(7, 4) : null, 1).toFloatArray());
            g.barrier();
            return out;
        });
        for (List<float[]> rank : got) {
            for (int j = 0; j < 4; j++) assertArrayEquals(filled(j, 2, 3).toFloatArray(), rank.get(j));
            float[] sum = new float[6];
            for (int i = 0; i < 6; i++) sum[i] = 0 + 1 + 2 + 3 + 4 * i;
            assertArrayEquals(sum, rank.get(4));
            assertArrayEquals(filled(100, 2, 3).toFloatArray(), rank.get(5));
            assertArrayEquals(filled(7, 4).toFloatArray(), rank.get(6));
        }
    }

    @Test
    void sends_around_a_ring_arrive_in_order_and_outlive_the_senders_scope() {
        List<float[]> got = LocalProcessGroup.run(3, g -> {
            int next = (g.rank() + 1) % g.size(), previous = (g.rank() + g.size() - 1) % g.size();
            try (TensorScope scope = TensorScope.open()) {
                g.send(filled(g.rank(), 2), next);
                g.send(filled(10 + g.rank(), 2), next);
            }   // the sent tensors' memory is gone; the receiver still gets the values
            Tensor first = g.recv(previous), second = g.recv(previous);
            return new float[] {first.getFloat(0), second.getFloat(0)};
        });
        for (int r = 0; r < 3; r++) assertArrayEquals(new float[] {(r + 2) % 3, 10 + (r + 2) % 3}, got.get(r));
    }

    @Test
    void split_and_subgroup_form_the_groups_their_ranks_asked_for() {
        // A 2 x 2 mesh: rows {0, 1} and {2, 3} (ordered by a descending key), columns {0, 2} and {1, 3}.
        List<String> got = LocalProcessGroup.run(4, g -> {
            ProcessGroup row = g.split(g.rank() / 2, -g.rank());
            ProcessGroup column = g.split(g.rank() % 2, g.rank());
            ProcessGroup pair = g.rank() == 0 || g.rank() == 3 ? g.subgroup(3, 0) : g.subgroup(1, 2);
            return row.rank() + " " + gathered(row) + " | " + column.rank() + " " + gathered(column) + " | "
                    + pair.rank() + " " + gathered(pair);
        });
        assertEquals("1 [1.0, 0.0] | 0 [0.0, 2.0] | 1 [3.0, 0.0]", got.get(0));
        assertEquals("0 [1.0, 0.0] | 0 [1.0, 3.0] | 0 [1.0, 2.0]", got.get(1));
        assertEquals("1 [3.0, 2.0] | 1 [0.0, 2.0] | 1 [1.0, 2.0]", got.get(2));
        assertEquals("0 [3.0, 2.0] | 1 [1.0, 3.0] | 0 [3.0, 0.0]", got.get(3));
    }

    /** The world ranks of a group's members, gathered in group order. */
    private static String gathered(ProcessGroup g) {
        int world = Integer.parseInt(Thread.currentThread().getName().substring("rank-".length()));
        return g.allGather(Tensor.of(new float[] {world}, 1)).stream().map(t -> t.getFloat(0)).toList().toString();
    }

    @Test
    void a_rank_that_never_arrives_fails_the_collective_with_its_name_after_the_timeout() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(3, Duration.ofMillis(200), g -> {
            if (g.rank() != 1) g.allGather(filled(0, 1));
            return null;
        }));
        assertTrue(e.getMessage().contains("rank 1 did not arrive at allGather"), e.getMessage());
        assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
    }

    @Test
    void a_receive_from_a_rank_that_sends_nothing_fails_with_the_senders_name() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(2, Duration.ofMillis(200), g ->
                g.rank() == 0 ? g.recv(1) : null));
        assertTrue(e.getMessage().contains("rank 1 sent nothing to rank 0"), e.getMessage());
    }

    @Test
    void a_failing_rank_fails_every_other_rank_at_once_and_the_run_reports_it() {
        List<Throwable> seenByOthers = Collections.synchronizedList(new ArrayList<>());
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(3, Duration.ofSeconds(20), g -> {
            if (g.rank() == 2) throw new IllegalStateException("boom");
            try {
                return g.allGather(filled(0, 1));
            } catch (ProcessGroupException seen) {
                seenByOthers.add(seen);
                throw seen;
            }
        }));
        assertTrue(e.getMessage().startsWith("rank 2 failed"), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(2, seenByOthers.size(), "both waiting ranks were woken");
        seenByOthers.forEach(t -> assertTrue(t.getMessage().startsWith("rank 2 failed: java.lang.IllegalStateException: boom"), t.getMessage()));
    }

    /** Cancelling a prompt interrupts the thread that runs the ranks: every rank stops at its next collective. */
    @Test
    void interrupting_the_caller_stops_every_rank_at_its_next_collective() {
        Thread caller = Thread.currentThread();
        Thread.ofPlatform().start(() -> {
            LockSupport.parkNanos(100_000_000L);
            caller.interrupt();
        });
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(3, g -> {
            while (true) g.barrier();
        }));
        assertTrue(Thread.interrupted(), "the caller's interrupt flag is kept");
        assertEquals("the ranks were interrupted", e.getMessage());
    }

    @Test
    void ranks_calling_different_collectives_fail_instead_of_mixing_them() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(2, g -> {
            if (g.rank() == 0) g.barrier();
            else g.allReduce(filled(0, 1), Reduction.SUM);
            return null;
        }));
        assertTrue(e.getMessage().contains("different collectives"), e.getMessage());
    }

    @Test
    void an_all_reduce_of_different_shapes_names_the_rank_whose_shape_differs() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(2, g ->
                g.allReduce(filled(0, g.rank() + 1), Reduction.SUM)));
        assertTrue(e.getMessage().contains("rank 1 [2]"), e.getMessage());
    }
}
