package org.jcomfy.backend.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jcomfy.backend.parallel.LocalProcessGroup.RankTask;
import org.jcomfy.backend.parallel.ProcessGroup.Reduction;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ProcessGroup} does, stated once and run for each implementation: each
 * collective's result, the order of point-to-point messages, split and subgroup, a timeout that
 * names the missing rank, and a failing rank that fails the others with its name.
 *
 * <p>An implementation's test supplies {@link #run}: start {@code worldSize} ranks, each on its own
 * thread named {@code rank-<world rank>}, run {@code task} on each, and return the results in rank
 * order; the first failure (a rank's exception, or a collective's) is thrown as a
 * {@link ProcessGroupException} whose cause is the rank's own exception where it had one, and an
 * interrupt of the calling thread stops every rank.
 */
@Timeout(30)   // a hang guard: every test here finishes in a second or two
public abstract class ProcessGroupContract {
    protected abstract <T> List<T> run(int worldSize, Duration timeout, RankTask<T> task);

    private <T> List<T> run(int worldSize, RankTask<T> task) {
        return run(worldSize, Duration.ofSeconds(20), task);
    }

    protected static Tensor filled(float value, long... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, value + i);
        return t;
    }

    @ParameterizedTest(name = "{0} ranks")
    @ValueSource(ints = {1, 2, 3})
    void all_to_all_delivers_part_j_of_every_rank_to_rank_j_whatever_the_shapes(int size) {
        List<List<float[]>> got = run(size, g -> {
            List<Tensor> parts = new ArrayList<>();
            for (int j = 0; j < g.size(); j++) parts.add(filled(10 * g.rank() + j, j + 1, g.rank() + 1));
            return g.allToAll(parts).stream().map(Tensor::toFloatArray).toList();
        });
        for (int r = 0; r < size; r++) {
            for (int from = 0; from < size; from++) {
                assertArrayEquals(filled(10 * from + r, r + 1, from + 1).toFloatArray(), got.get(r).get(from), "rank " + r + " from " + from);
            }
        }
    }

    @Test
    void all_to_all_keeps_the_shape_of_each_part_including_empty_and_scalar_ones() {
        List<List<String>> got = run(2, g -> {
            List<Tensor> parts = g.rank() == 0
                    ? List.of(filled(1, 0, 4), Tensor.of(new float[] {42f}))
                    : List.of(filled(5, 2, 1, 3), filled(9, 1));
            return g.allToAll(parts).stream().map(t -> java.util.Arrays.toString(t.shape()) + java.util.Arrays.toString(t.toFloatArray())).toList();
        });
        assertEquals(List.of("[0, 4][]", "[2, 1, 3][5.0, 6.0, 7.0, 8.0, 9.0, 10.0]"), got.get(0));
        assertEquals(List.of("[][42.0]", "[1][9.0]"), got.get(1));
    }

    @Test
    void all_gather_all_reduce_and_broadcast_give_every_rank_the_same_values() {
        List<List<float[]>> got = run(4, g -> {
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

    /** Float addition does not associate, so only a fixed order gives every rank the same bits. */
    @Test
    void an_all_reduce_sums_in_rank_order_so_every_rank_gets_the_same_bits() {
        float[][] values = {{1e8f, 1f, -3f}, {-1e8f, 1e-8f, 0.1f}, {1f, 3f, 0.2f}};
        List<float[]> got = run(3, g -> g.allReduce(Tensor.of(values[g.rank()].clone(), 3), Reduction.SUM).toFloatArray());
        float[] inOrder = new float[3];
        for (int i = 0; i < 3; i++) inOrder[i] = (values[0][i] + values[1][i]) + values[2][i];
        for (float[] rank : got) assertArrayEquals(inOrder, rank);
        assertNotEquals(inOrder[0], values[0][0] + (values[1][0] + values[2][0]), "the case tells the orders apart");
    }

    @Test
    void a_world_of_one_returns_copies_of_its_own_tensors() {
        List<String> got = run(1, g -> {
            Tensor mine = filled(3, 2);
            String s = g.allGather(mine).get(0).getFloat(1) + " " + g.allReduce(mine, Reduction.SUM).getFloat(0) + " "
                    + g.broadcast(mine, 0).getFloat(0) + " " + g.allToAll(List.of(mine)).get(0).getFloat(1);
            g.send(filled(8, 1), 0);
            g.barrier();
            return s + " " + g.recv(0).getFloat(0) + " " + g.split(5, 0).size();
        });
        assertEquals("4.0 3.0 3.0 4.0 8.0 1", got.get(0));
    }

    @Test
    void sends_around_a_ring_arrive_in_order_and_outlive_the_senders_scope() {
        List<float[]> got = run(3, g -> {
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
    void messages_wait_for_their_receive_across_collectives_and_keep_their_order() {
        List<List<Float>> got = run(2, g -> {
            List<Float> seen = new ArrayList<>();
            if (g.rank() == 0) for (int i = 0; i < 5; i++) g.send(filled(i, 1), 1);
            seen.add(g.allReduce(filled(g.rank(), 1), Reduction.SUM).getFloat(0));
            g.barrier();
            if (g.rank() == 1) for (int i = 0; i < 5; i++) seen.add(g.recv(0).getFloat(0));
            return seen;
        });
        assertEquals(List.of(1f), got.get(0));
        assertEquals(List.of(1f, 0f, 1f, 2f, 3f, 4f), got.get(1));
    }

    @Test
    void split_and_subgroup_form_the_groups_their_ranks_asked_for() {
        // A 2 x 2 mesh: rows {0, 1} and {2, 3} (ordered by a descending key), columns {0, 2} and {1, 3}.
        List<String> got = run(4, g -> {
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

    /** Two groups of the same ranks (made twice) and the parent run their collectives without seeing each other's. */
    @Test
    void sibling_groups_and_the_parent_run_their_collectives_without_mixing_them() {
        List<String> got = run(3, g -> {
            String a = "";
            if (g.rank() != 2) {
                ProcessGroup first = g.subgroup(0, 1), second = g.subgroup(0, 1);
                second.send(filled(20 + g.rank(), 1), 1 - second.rank());
                first.send(filled(10 + g.rank(), 1), 1 - first.rank());
                a += second.allReduce(filled(g.rank(), 1), Reduction.MAX).getFloat(0) + " "
                        + first.allReduce(filled(g.rank(), 1), Reduction.SUM).getFloat(0) + " "
                        + first.recv(1 - first.rank()).getFloat(0) + " " + second.recv(1 - second.rank()).getFloat(0) + " ";
            }
            return a + g.allGather(filled(g.rank(), 1)).size();
        });
        assertEquals("1.0 1.0 11.0 21.0 3", got.get(0));
        assertEquals("1.0 1.0 10.0 20.0 3", got.get(1));
        assertEquals("3", got.get(2));
    }

    /** The world ranks of a group's members, gathered in group order. */
    private static String gathered(ProcessGroup g) {
        int world = Integer.parseInt(Thread.currentThread().getName().substring("rank-".length()));
        return g.allGather(Tensor.of(new float[] {world}, 1)).stream().map(t -> t.getFloat(0)).toList().toString();
    }

    @Test
    void a_rank_that_never_arrives_fails_the_collective_with_its_name_after_the_timeout() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(3, Duration.ofMillis(200), g -> {
            if (g.rank() != 1) g.allGather(filled(0, 1));
            return null;
        }));
        assertTrue(e.getMessage().contains("rank 1 did not arrive at allGather"), e.getMessage());
        assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
    }

    @Test
    void a_timeout_in_a_subgroup_names_the_missing_rank_by_its_world_number() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(3, Duration.ofMillis(200), g -> {
            if (g.rank() == 0) return null;
            ProcessGroup pair = g.subgroup(1, 2);
            if (g.rank() == 1) pair.barrier();
            return null;
        }));
        assertTrue(e.getMessage().contains("rank 2 did not arrive at barrier"), e.getMessage());
    }

    @Test
    void a_receive_from_a_rank_that_sends_nothing_fails_with_the_senders_name() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(2, Duration.ofMillis(200), g ->
                g.rank() == 0 ? g.recv(1) : null));
        assertTrue(e.getMessage().contains("rank 1 sent nothing to rank 0"), e.getMessage());
    }

    @Test
    void a_failing_rank_fails_every_other_rank_at_once_and_the_run_reports_it() {
        List<Throwable> seenByOthers = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(3, Duration.ofSeconds(20), g -> {
            if (g.rank() == 2) throw new IllegalStateException("boom");
            try {
                return g.allGather(filled(0, 1));
            } catch (ProcessGroupException seen) {
                seenByOthers.add(seen);
                throw seen;
            }
        }));
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the others did not wait for the 20 s timeout");
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
            LockSupport.parkNanos(300_000_000L);
            caller.interrupt();
        });
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(3, g -> {
            while (true) g.barrier();
        }));
        assertTrue(Thread.interrupted(), "the caller's interrupt flag is kept");
        assertEquals("the ranks were interrupted", e.getMessage());
    }

    @Test
    void ranks_calling_different_collectives_fail_instead_of_mixing_them() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(2, g -> {
            if (g.rank() == 0) g.barrier();
            else g.allReduce(filled(0, 1), Reduction.SUM);
            return null;
        }));
        assertTrue(e.getMessage().contains("different collectives"), e.getMessage());
    }

    @Test
    void an_all_reduce_of_different_shapes_names_the_rank_whose_shape_differs() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> run(2, g ->
                g.allReduce(filled(0, g.rank() + 1), Reduction.SUM)));
        assertTrue(e.getMessage().contains("rank 1 [2]"), e.getMessage());
    }

    @Test
    void arguments_that_cannot_be_right_are_refused_before_anything_is_sent() {
        List<String> got = run(2, g -> {
            List<String> refused = new ArrayList<>();
            for (Runnable bad : List.<Runnable>of(
                    () -> g.allToAll(List.of(filled(0, 1))),
                    () -> g.allGather(Tensor.zeros(DType.BF16, 2)),
                    () -> g.send(filled(0, 1), 2),
                    () -> g.recv(-1),
                    () -> g.broadcast(filled(0, 1), 5),
                    () -> g.subgroup(g.rank() == 0 ? 1 : 0))) {
                try {
                    bad.run();
                    refused.add("accepted");
                } catch (IllegalArgumentException e) {
                    refused.add("refused");
                }
            }
            g.barrier();   // the group still works
            return String.join(" ", refused);
        });
        assertEquals(List.of("refused refused refused refused refused refused", "refused refused refused refused refused refused"), got);
    }
}
