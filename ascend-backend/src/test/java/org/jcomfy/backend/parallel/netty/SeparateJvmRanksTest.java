package org.jcomfy.backend.parallel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ranks in separate JVMs ({@link RankProcess}, started as real processes) with rank 0 in this one:
 * the fixed sequence of collectives agrees on every rank, a rank killed while the others wait in a
 * collective fails them at once naming it, and a stalled one is named by the timeout.
 */
@Timeout(40)
class SeparateJvmRanksTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration JVM_START = Duration.ofSeconds(20);

    private static NettyMesh host(int size, Duration timeout) {
        return NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), size,
                MeshOptions.DEFAULTS.withJoinTimeout(JVM_START).withTimeout(timeout));
    }

    @ParameterizedTest(name = "{0} JVMs")
    @ValueSource(ints = {2, 3})
    void jvms_run_a_fixed_sequence_of_collectives_and_every_rank_checks_its_results(int size) throws Exception {
        try (NettyMesh mesh = host(size, Duration.ofSeconds(15))) {
            List<RankJvm> others = new ArrayList<>();
            try {
                for (int r = 1; r < size; r++) others.add(new RankJvm(mesh.port(), r, size, Duration.ofSeconds(15), "sequence"));
                assertEquals("rank 0 of " + size + " ok", FixedSequence.run(mesh.world()));
                for (RankJvm jvm : others) {
                    assertEquals("done: rank " + jvm.rank + " of " + size + " ok", jvm.awaitLine("done", Duration.ofSeconds(10)), jvm.output());
                    assertEquals(0, jvm.exitCode(Duration.ofSeconds(10)), jvm.output());
                }
            } finally {
                for (RankJvm jvm : others) jvm.close();
            }
        }
    }

    @Test
    void a_rank_killed_while_the_others_wait_in_a_collective_fails_them_at_once_naming_it() throws Exception {
        Duration timeout = Duration.ofSeconds(20);
        try (NettyMesh mesh = host(3, timeout);
             RankJvm waiter = new RankJvm(mesh.port(), 1, 3, timeout, "gather");
             RankJvm victim = new RankJvm(mesh.port(), 2, 3, timeout, "stall")) {
            ProcessGroup world = mesh.world();
            world.barrier();
            victim.awaitLine("stalling", Duration.ofSeconds(10));
            waiter.awaitLine("waiting", Duration.ofSeconds(10));
            CompletableFuture<Throwable> outcome = allGatherOnAnotherThread(world);
            Thread.sleep(300);   // rank 0 and rank 1 are inside the all-gather now
            long killed = System.nanoTime();
            victim.kill();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
            assertInstanceOf(ProcessGroupException.class, t);
            assertTrue(t.getMessage().contains("lost rank 2"), t.getMessage());
            assertTrue(seconds < 5, "rank 0 failed " + seconds + " s after the kill; the timeout is 20 s");
            assertTrue(waiter.awaitLine("failed", Duration.ofSeconds(10)).contains("rank 2"), waiter.output());
            assertEquals(3, waiter.exitCode(Duration.ofSeconds(10)));
        }
    }

    @Test
    void a_stalled_rank_is_named_by_the_timeout_on_every_other_rank() throws Exception {
        Duration timeout = Duration.ofMillis(2500);
        try (NettyMesh mesh = host(3, timeout);
             RankJvm waiter = new RankJvm(mesh.port(), 1, 3, timeout, "gather");
             RankJvm stalled = new RankJvm(mesh.port(), 2, 3, timeout, "stall")) {
            ProcessGroup world = mesh.world();
            world.barrier();
            stalled.awaitLine("stalling", Duration.ofSeconds(10));
            long start = System.nanoTime();
            Throwable t = allGatherOnAnotherThread(world).get(10, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(ProcessGroupException.class, t);
            assertTrue(t.getMessage().contains("rank 2 did not arrive at allGather"), t.getMessage());
            assertTrue(millis < 8000, "failed after " + millis + " ms with a 2.5 s timeout");
            assertTrue(waiter.awaitLine("failed", Duration.ofSeconds(10)).contains("rank 2 did not arrive at allGather"), waiter.output());
            assertEquals(3, waiter.exitCode(Duration.ofSeconds(10)));
        }
    }

    /** Killed while its frames of several megabytes are on the wire: the frame half read is dropped, the loss reported. */
    @Test
    void a_rank_killed_in_the_middle_of_a_stream_of_large_all_to_alls_is_named_at_once() throws Exception {
        Duration timeout = Duration.ofSeconds(20);
        try (NettyMesh mesh = host(2, timeout); RankJvm victim = new RankJvm(mesh.port(), 1, 2, timeout, "loop")) {
            ProcessGroup world = mesh.world();
            victim.awaitLine("looping", Duration.ofSeconds(10));
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            AtomicInteger calls = new AtomicInteger();
            Thread.ofPlatform().start(() -> {
                List<Tensor> halves = List.of(FixedSequence.ramp(0, 780, 1536), FixedSequence.ramp(0, 780, 1536));
                try {
                    while (true) {
                        try (TensorScope scope = TensorScope.open()) {
                            world.allToAll(halves);
                        }
                        calls.incrementAndGet();
                    }
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            Thread.sleep(1500);
            long killed = System.nanoTime();
            victim.kill();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
            assertTrue(t.getMessage().contains("lost rank 1"), t.getMessage());
            assertTrue(seconds < 5, "rank 0 failed " + seconds + " s after the kill");
            assertTrue(calls.get() > 0, "the ranks had exchanged some all-to-alls before the kill");
        }
    }

    private static CompletableFuture<Throwable> allGatherOnAnotherThread(ProcessGroup world) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                world.allGather(FixedSequence.ramp(0, 4));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        return outcome;
    }
}
