package org.jcomfy.backend.parallel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ranks in separate JVMs in separate network namespaces: rank 0 here, on the bridge; ranks 1 and 2
 * each in a namespace of its own, so every connection of the mesh crosses veth interfaces and a
 * bridge, as between hosts. Skipped, saying why, where the machine allows no namespaces (not root,
 * no iproute2, no veth in the kernel).
 */
@Timeout(60)
class NetworkNamespaceRanksTest {
    private static NetworkNamespaces namespaces;

    @BeforeAll
    static void makeNamespaces() throws InterruptedException {
        try {
            namespaces = NetworkNamespaces.create(2);
        } catch (IOException e) {
            Assumptions.abort("this machine allows no network namespaces: " + e.getMessage());
        }
    }

    @AfterAll
    static void removeNamespaces() throws Exception {
        if (namespaces != null) namespaces.close();
    }

    private static NettyMesh host(Duration timeout) throws IOException {
        return NettyMesh.host(new InetSocketAddress(InetAddress.getByName(namespaces.hostAddress()), 0), 3,
                MeshOptions.DEFAULTS.withJoinTimeout(Duration.ofSeconds(20)).withTimeout(timeout));
    }

    private static RankJvm rank(NettyMesh mesh, int rank, Duration timeout, String scenario) throws IOException {
        return new RankJvm(namespaces.inside(rank), namespaces.hostAddress(), mesh.port(), rank, 3, timeout, scenario);
    }

    @Test
    void three_ranks_in_three_network_namespaces_run_the_fixed_sequence() throws Exception {
        Duration timeout = Duration.ofSeconds(15);
        try (NettyMesh mesh = host(timeout); RankJvm one = rank(mesh, 1, timeout, "sequence"); RankJvm two = rank(mesh, 2, timeout, "sequence")) {
            assertEquals("rank 0 of 3 ok", FixedSequence.run(mesh.world()));
            for (RankJvm jvm : new RankJvm[] {one, two}) {
                assertEquals("done: rank " + jvm.rank + " of 3 ok", jvm.awaitLine("done", Duration.ofSeconds(10)), jvm.output());
                assertEquals(0, jvm.exitCode(Duration.ofSeconds(10)), jvm.output());
            }
        }
    }

    /** A cable pulled: no FIN, no reset, the connection just goes quiet; the timeout names the rank behind it. */
    @Test
    void a_rank_whose_network_goes_silent_is_named_by_the_timeout() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        try (NettyMesh mesh = host(timeout); RankJvm one = rank(mesh, 1, timeout, "gather"); RankJvm two = rank(mesh, 2, timeout, "gather")) {
            ProcessGroup world = mesh.world();
            world.barrier();
            one.awaitLine("waiting", Duration.ofSeconds(10));
            two.awaitLine("waiting", Duration.ofSeconds(10));
            namespaces.unplug(2);
            try {
                CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    try {
                        world.allGather(FixedSequence.ramp(0, 4));
                        outcome.complete(null);
                    } catch (Throwable e) {
                        outcome.complete(e);
                    }
                });
                Throwable t = outcome.get(15, TimeUnit.SECONDS);
                assertInstanceOf(ProcessGroupException.class, t);
                assertTrue(t.getMessage().contains("rank 2 did not arrive at allGather"), t.getMessage());
                assertTrue(one.awaitLine("failed", Duration.ofSeconds(10)).contains("rank 2"), one.output());
            } finally {
                namespaces.ip("link", "set", namespaces.hostEnd(2), "up");
            }
        }
    }
}
