package org.jcomfy.backend.parallel.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup.Reduction;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames no rank would send, from a raw socket: refused with a message that says what is wrong,
 * the connection closed, the waiting rank failed at once (no hang), and no buffer sized by what a
 * header merely announces.
 */
@Timeout(20)
class BadFrameTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int MAGIC = 0x4A435047, ALL_GATHER = 17, F32 = 1;
    private static final long WORLD = NettyProcessGroup.idOf("world");
    private static final MeshOptions OPTIONS = MeshOptions.DEFAULTS.withJoinTimeout(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(10));

    @FunctionalInterface
    interface BadFrame {
        void write(RawPeer peer) throws IOException;
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                Arguments.of("bad magic 0x47455420", (BadFrame) p -> p.out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n.........".getBytes(StandardCharsets.US_ASCII))),
                Arguments.of("unsupported protocol version 2", (BadFrame) p -> p.header(MAGIC, 2, ALL_GATHER, F32, 1, WORLD, 0, 1, 4)),
                Arguments.of("unknown frame kind 99", (BadFrame) p -> p.header(MAGIC, 1, 99, F32, 1, WORLD, 0, 1, 4)),
                Arguments.of("payload length 1099511627776 outside 0..1048576", (BadFrame) p -> p.header(MAGIC, 1, ALL_GATHER, F32, 1, WORLD, 0, 1, 1L << 40)),
                Arguments.of("payload length -8 outside", (BadFrame) p -> p.header(MAGIC, 1, ALL_GATHER, F32, 1, WORLD, 0, 1, -8)),
                Arguments.of("9 dimensions (at most 8)", (BadFrame) p -> p.header(MAGIC, 1, ALL_GATHER, F32, 9, WORLD, 0, 1, 4)),
                Arguments.of("payload length 64 does not match shape [3, 5]", (BadFrame) p -> {
                    p.header(MAGIC, 1, ALL_GATHER, F32, 2, WORLD, 0, 1, 64);
                    p.out.writeLong(3);
                    p.out.writeLong(5);
                }),
                Arguments.of("does not match shape [4611686018427387904, 4]", (BadFrame) p -> {
                    p.header(MAGIC, 1, ALL_GATHER, F32, 2, WORLD, 0, 1, 64);   // the element count overflows a long
                    p.out.writeLong(1L << 62);
                    p.out.writeLong(4);
                }),
                Arguments.of("a frame that says it is from rank 0", (BadFrame) p -> {
                    p.header(MAGIC, 1, ALL_GATHER, F32, 1, WORLD, 0, 0, 4);
                    p.out.writeLong(1);
                    p.out.writeFloat(0);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void a_bad_frame_from_a_joined_rank_fails_the_waiting_collective_at_once_naming_the_rank(String expected, BadFrame bad) throws Exception {
        try (ServerSocket unusedListener = new ServerSocket(0, 1, LOOPBACK);
             NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 2, OPTIONS.withMaxPayloadBytes(1 << 20));
             RawPeer peer = new RawPeer(host.port())) {
            peer.hello(1, 2, unusedListener.getLocalPort());
            assertEquals("2", peer.readFrame()[0], "rank 0 sends the peer table once the world is complete");
            ProcessGroup world = host.world();
            CompletableFuture<Throwable> outcome = waitingAllGather(world);
            long start = System.nanoTime();
            bad.write(peer);
            peer.out.flush();
            Throwable t = outcome.get(5, TimeUnit.SECONDS);
            assertInstanceOf(ProcessGroupException.class, t);
            assertTrue(t.getMessage().contains("rank 1 sent "), t.getMessage());
            assertTrue(t.getMessage().contains(expected), t.getMessage());
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "failed at once, not after the 10 s timeout");
            assertTrue(peer.closedByPeer(), "rank 0 closed the connection");
        }
    }

    @Test
    void a_header_announcing_a_gigabyte_within_the_limit_reserves_no_gigabyte_before_the_bytes_come() throws Exception {
        MeshOptions options = OPTIONS.withTimeout(Duration.ofMillis(1500)).withMaxPayloadBytes(1L << 30);
        try (ServerSocket unusedListener = new ServerSocket(0, 1, LOOPBACK);
             NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 2, options);
             RawPeer peer = new RawPeer(host.port())) {
            peer.hello(1, 2, unusedListener.getLocalPort());
            peer.readFrame();
            ProcessGroup world = host.world();
            long before = NettyMesh.FRAMES.metric().usedDirectMemory();
            CompletableFuture<Throwable> outcome = waitingAllGather(world);
            peer.header(MAGIC, 1, ALL_GATHER, F32, 1, WORLD, 0, 1, 1L << 30);   // a consistent header: 2^28 floats
            peer.out.writeLong(1L << 28);
            peer.out.write(new byte[1 << 20]);   // then a mebibyte of it, and silence
            peer.out.flush();
            Thread.sleep(700);
            long held = NettyMesh.FRAMES.metric().usedDirectMemory() - before;
            Throwable t = outcome.get(5, TimeUnit.SECONDS);
            assertTrue(held < 64L << 20, "the decoder holds " + (held >> 20) + " MiB for a frame of which 1 MiB came");
            assertTrue(t.getMessage().contains("rank 1 did not arrive at allGather"), t.getMessage());
        }
    }

    @Test
    void a_connection_that_opens_with_garbage_is_closed_and_the_rendezvous_goes_on() throws Exception {
        try (NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 2, OPTIONS)) {
            try (RawPeer stranger = new RawPeer(host.port())) {
                stranger.out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
                stranger.out.write(new byte[64]);
                stranger.out.flush();
                assertTrue(stranger.closedByPeer(), "a TLS hello is not a rank's hello");
            }
            try (NettyMesh rank1 = NettyMesh.join(new InetSocketAddress(LOOPBACK, host.port()), 1, 2, OPTIONS)) {
                CompletableFuture<Float> other = CompletableFuture.supplyAsync(
                        () -> rank1.world().allReduce(Tensor.of(new float[] {2}, 1), Reduction.SUM).getFloat(0));
                assertEquals(3f, host.world().allReduce(Tensor.of(new float[] {1}, 1), Reduction.SUM).getFloat(0));
                assertEquals(3f, other.get(10, TimeUnit.SECONDS));
            }
        }
    }

    /** Before a connection has said who it is, it may send 64 KiB, not the gigabyte a rank may. */
    @Test
    void a_stranger_announcing_a_large_frame_is_refused_on_its_header() throws Exception {
        try (NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 2, OPTIONS.withMaxPayloadBytes(1L << 30));
             RawPeer stranger = new RawPeer(host.port())) {
            long before = NettyMesh.FRAMES.metric().usedDirectMemory();
            stranger.header(MAGIC, 1, 1, 0, 0, 0, 0, 1, 100L << 20);   // a "hello" of 100 MiB
            stranger.out.write(new byte[256 << 10]);
            stranger.out.flush();
            assertTrue(stranger.closedByPeer(), "refused on the header");
            assertTrue(NettyMesh.FRAMES.metric().usedDirectMemory() - before < 32L << 20, "nothing near the announced size was held");
        }
    }

    @Test
    void a_hello_for_another_world_size_or_a_taken_rank_is_answered_with_a_rejection() throws Exception {
        try (NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 3, OPTIONS)) {
            for (int[] hello : List.of(new int[] {1, 4}, new int[] {3, 3}, new int[] {0, 3})) {
                try (RawPeer peer = new RawPeer(host.port())) {
                    peer.hello(hello[0], hello[1], 9);
                    String[] answer = peer.readFrame();
                    assertEquals("3", answer[0], "a rejection frame");
                    assertTrue(answer[1].contains(hello[1] != 3 ? "says the world has 4 ranks" : "may not connect"), answer[1]);
                    assertTrue(peer.closedByPeer());
                }
            }
            try (RawPeer first = new RawPeer(host.port()); RawPeer second = new RawPeer(host.port())) {
                first.hello(1, 3, 9);
                Thread.sleep(200);
                second.hello(1, 3, 9);
                String[] answer = second.readFrame();
                assertTrue(answer[1].contains("rank 1 has already joined"), answer[1]);
            }
        }
    }

    @Test
    void a_rank_refused_by_rank_0_fails_its_join_with_rank_0s_reason() {
        try (NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 2, OPTIONS);
             NettyMesh wrong = NettyMesh.join(new InetSocketAddress(LOOPBACK, host.port()), 1, 3, OPTIONS)) {
            ProcessGroupException e = org.junit.jupiter.api.Assertions.assertThrows(ProcessGroupException.class, wrong::world);
            assertTrue(e.getMessage().contains("rank 0 refused rank 1: rank 1 says the world has 3 ranks; rank 0 has 2"), e.getMessage());
        }
    }

    /** Rank 0 waiting in an all-gather on another thread; completes with what it threw (or null). */
    private static CompletableFuture<Throwable> waitingAllGather(ProcessGroup world) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                world.allGather(Tensor.of(new float[] {1}, 1));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome;
    }
}
