package org.jcomfy.backend.parallel.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wire format is the one {@link FrameCodec} documents, checked from outside: a rank's frame read
 * by hand has each field where the table says, and a frame written by hand from the table is taken
 * by a rank as a peer's. Other implementations (an HCCL bridge, a Python rank) can rely on the table.
 */
@Timeout(20)
class FrameLayoutTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void a_rank_and_a_hand_written_peer_exchange_an_all_gather_in_the_documented_layout() throws Exception {
        MeshOptions options = MeshOptions.DEFAULTS.withJoinTimeout(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(10));
        try (ServerSocket unusedListener = new ServerSocket(0, 1, LOOPBACK);
             NettyMesh host = NettyMesh.host(new InetSocketAddress(LOOPBACK, 0), 2, options);
             RawPeer peer = new RawPeer(host.port())) {
            peer.hello(1, 2, unusedListener.getLocalPort());
            RawPeer.Raw table = peer.read();
            assertEquals(2, table.kind());
            ByteBuffer t = ByteBuffer.wrap(table.payload());
            assertEquals(2, t.getInt(), "the table has the world size");
            byte[] ip = new byte[t.get()];
            t.get(ip);
            assertEquals(InetAddress.getByAddress(ip), LOOPBACK, "rank 1's address as rank 0 saw it");
            assertEquals(unusedListener.getLocalPort(), t.getInt(), "and the port rank 1 said it listens on");

            ProcessGroup world = host.world();
            CompletableFuture<List<Tensor>> gathered = CompletableFuture.supplyAsync(() -> world.allGather(Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, 2, 3)));
            RawPeer.Raw sent = peer.read();
            assertEquals(1, sent.version());
            assertEquals(17, sent.kind(), "allGather");
            assertEquals(1, sent.dtype(), "float32");
            assertEquals(NettyProcessGroup.idOf("world"), sent.group());
            assertEquals(0, sent.sequence(), "the world's first collective");
            assertEquals(0, sent.source());
            assertArrayEquals(new long[] {2, 3}, sent.shape());
            float[] values = new float[6];
            ByteBuffer.wrap(sent.payload()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, 7f, 8f}, values, "little-endian float32");

            peer.header(0x4A435047, 1, 17, 1, 1, NettyProcessGroup.idOf("world"), 0, 1, 8);
            peer.out.writeLong(2);
            ByteBuffer mine = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(42f).putFloat(-0.5f);
            peer.out.write(mine.array());
            peer.out.flush();
            List<Tensor> got = gathered.get(5, TimeUnit.SECONDS);
            assertArrayEquals(new float[] {42f, -0.5f}, got.get(1).toFloatArray());
            assertArrayEquals(new long[] {2}, got.get(1).shape());
        }
    }
}
