package org.jcomfy.backend.parallel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup.Reduction;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only a networked group has: a rendezvous that waits and times out, ranks that leave, a rank interrupted mid-wait. */
@Timeout(20)
class NettyMeshTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final MeshOptions OPTIONS = MeshOptions.DEFAULTS.withJoinTimeout(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(10));

    @Test
    void a_worker_started_before_the_server_keeps_trying_until_rank_0_listens() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        try (NettyMesh early = NettyMesh.join(new InetSocketAddress(LOOPBACK, port), 1, 2, OPTIONS)) {
            Thread.sleep(400);   // a few refused connections
            try (NettyMesh late = NettyMesh.host(new InetSocketAddress(LOOPBACK, port), 2, OPTIONS)) {
                CompletableFuture<Float> one = CompletableFuture.supplyAsync(() -> early.world().allReduce(Tensor.of(new float[] {1}, 1), Reduction.SUM).getFloat(0));
                assertEquals(3f, late.world().allReduce(Tensor.of(new float[] {2}, 1), Reduction.SUM).getFloat(0));
                assertEquals(3f, one.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void a_rendezvous_that_times_out_names_the_ranks_that_never_joined() {
        MeshOptions quick = OPTIONS.withJoinTimeout(Duration.ofMillis(500));
        try (NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 4, quick);
             NettyMesh one = NettyMesh.join(new InetSocketAddress(LOOPBACK, host.port()), 1, 4, quick)) {
            ProcessGroupException e = assertThrows(ProcessGroupException.class, host::world);
            assertEquals("ranks [2, 3] did not join the world of 4 within 500 ms", e.getMessage());
        }
    }

    @Test
    void a_rank_that_closes_its_group_is_named_as_gone_and_the_others_go_on_without_it() throws Exception {
        NettyMesh[] m = world(3);
        try {
            ProcessGroup w0 = m[0].world(), w1 = m[1].world();
            m[2].world();
            m[2].close();
            ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> w0.recv(2));
            assertTrue(e.getMessage().contains("rank 2 has left the world"), e.getMessage());
            CompletableFuture<Float> other = CompletableFuture.supplyAsync(() -> w1.subgroup(0, 1).allReduce(Tensor.of(new float[] {1}, 1), Reduction.MAX).getFloat(0));
            assertEquals(1f, w0.subgroup(0, 1).allReduce(Tensor.of(new float[] {0}, 1), Reduction.MAX).getFloat(0));
            assertEquals(1f, other.get(10, TimeUnit.SECONDS));
        } finally {
            for (NettyMesh mesh : m) mesh.close();
        }
    }

    @Test
    void an_interrupted_rank_stops_waiting_and_its_peers_learn_why() throws Exception {
        NettyMesh[] m = world(2);
        try {
            ProcessGroup w0 = m[0].world(), w1 = m[1].world();
            CompletableFuture<Throwable> zero = new CompletableFuture<>();
            Thread waiting = Thread.ofPlatform().start(() -> {
                try {
                    w0.recv(1);
                    zero.complete(null);
                } catch (Throwable t) {
                    zero.complete(t);
                }
            });
            Thread.sleep(200);
            waiting.interrupt();
            assertEquals("rank 0 was interrupted", zero.get(5, TimeUnit.SECONDS).getMessage());
            ProcessGroupException e = assertThrows(ProcessGroupException.class, w1::barrier);
            assertEquals("rank 0 was interrupted", e.getMessage());
        } finally {
            for (NettyMesh mesh : m) mesh.close();
        }
    }

    private static NettyMesh[] world(int size) {
        NettyMesh[] m = new NettyMesh[size];
        m[0] = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), size, OPTIONS);
        for (int r = 1; r < size; r++) m[r] = NettyMesh.join(new InetSocketAddress(LOOPBACK, m[0].port()), r, size, OPTIONS);
        return m;
    }
}
