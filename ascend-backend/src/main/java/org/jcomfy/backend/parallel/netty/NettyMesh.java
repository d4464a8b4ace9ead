package org.jcomfy.backend.parallel.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jcomfy.backend.parallel.ProcessGroupException;

/**
 * One rank's connections to every other rank of a world, and the rendezvous that makes them.
 *
 * <p>Rendezvous: rank 0 listens on a known port ({@link #host}); every other rank ({@link #join})
 * connects to it (retrying until the timeout, so workers may start first), opens a listener of its
 * own on the interface that reached rank 0, and says hello with its rank, the world size and that
 * listener's port. Rank 0 checks each hello (a rank in range, not taken, the same world size;
 * anything else is answered with a rejection and closed) and, once every rank is in, sends all of
 * them the peer table. Each rank then connects to every rank numbered below it other than 0 and
 * accepts the ones above; the listeners close when the mesh is complete.
 *
 * <p>Why a full mesh rather than a star through rank 0: Ulysses' all-to-all is the hot collective,
 * and on a mesh each part crosses one link straight to its rank, while a star would carry every
 * byte twice and make rank 0's link the bottleneck for the whole world. A world has a handful of
 * ranks, so n(n-1)/2 connections cost nothing. Every group made from the world (split, subgroup)
 * uses these same connections, its frames tagged with the group's id.
 *
 * <p>A connection that closes without a goodbye fails the world at once, naming the peer; a peer
 * that sends a bad frame is named too, and its connection closed.
 */
public final class NettyMesh implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NettyMesh.class.getName());

    private final int rank, size;
    private final Duration timeout, joinTimeout;
    private final long maxPayload;
    private final EventLoopGroup loop;
    /**
     * Frames of the same few sizes come and go every block, so they are pooled, in 16 MiB chunks
     * (Netty's default 4 MiB would leave a DiT shard of 4.8 MB unpooled: a fresh, zeroed allocation
     * per frame). One pool for every mesh of the JVM; its metrics show what the decoders hold.
     */
    static final PooledByteBufAllocator FRAMES = new PooledByteBufAllocator(true, 0, 2, 8192, 11, 256, 64, true);
    private final ByteBufAllocator alloc = FRAMES;
    /** Reads of up to 1 MiB (Netty's default stops at 64 KiB): a shard of megabytes arrives in a few reads, not hundreds. */
    private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(512, 64 << 10, 1 << 20);
    private final AtomicReferenceArray<Channel> peers;
    private final InetSocketAddress[] advertised;   // rank 0 only: where each rank listens
    private final Inbox inbox;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Channel listener;
    private volatile int port = -1;
    private volatile boolean closing;

    private NettyMesh(int rank, int size, MeshOptions options) {
        if (size < 1) throw new IllegalArgumentException("a world needs at least one rank, got " + size);
        if (rank < 0 || rank >= size) throw new IllegalArgumentException("rank " + rank + " is not in a world of " + size);
        this.rank = rank;
        this.size = size;
        this.timeout = options.timeout();
        this.joinTimeout = options.joinTimeout();
        this.maxPayload = options.maxPayloadBytes();
        this.peers = new AtomicReferenceArray<>(size);
        this.advertised = new InetSocketAddress[size];
        this.inbox = new Inbox(rank, this::tellPeers);
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rank-" + rank + "-net", true), NioIoHandler.newFactory());
    }

    /**
     * Rank 0 of a world of {@code size}: listens on {@code bind} (port 0 picks a free one, see
     * {@link #port}) and returns at once; {@link #world} waits for the others.
     */
    public static NettyMesh host(InetSocketAddress bind, int size, MeshOptions options) {
        NettyMesh mesh = new NettyMesh(0, size, options);
        ChannelFuture bound = mesh.listen(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            mesh.close();
            throw new ProcessGroupException("rank 0 could not listen on " + bind + ": " + bound.cause(), bound.cause());
        }
        // Now, not when the bind's listener gets round to it: port() may be asked at once.
        mesh.listener = bound.channel();
        mesh.port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        if (size == 1) mesh.becomeReady();
        mesh.expireRendezvous();
        return mesh;
    }

    /** Rank {@code rank} of a world whose rank 0 listens at {@code rank0}; returns at once, {@link #world} waits. */
    public static NettyMesh join(InetSocketAddress rank0, int rank, int size, MeshOptions options) {
        if (rank == 0) throw new IllegalArgumentException("rank 0 hosts the rendezvous; it does not join one");
        NettyMesh mesh = new NettyMesh(rank, size, options);
        mesh.connectToRank0(rank0, System.nanoTime() + options.joinTimeout().toNanos());
        mesh.expireRendezvous();
        return mesh;
    }

    /** The port this rank listens on while the mesh forms (rank 0's is the rendezvous port). */
    public int port() {
        int p = port;
        if (p < 0) throw new IllegalStateException("rank " + rank + " has not opened its listener yet");
        return p;
    }

    /** Waits for the mesh to be complete (at most the timeout), then returns the world's process group. */
    public NettyProcessGroup world() {
        try {
            ready.get();   // expireRendezvous bounds the wait
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ProcessGroupException p ? new ProcessGroupException(p.getMessage(), p)
                    : new ProcessGroupException("rank " + rank + " could not join: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessGroupException("rank " + rank + " was interrupted while joining", e);
        }
        return NettyProcessGroup.world(this);
    }

    /**
     * Fails this rank's world: every waiting and later call here throws {@code failure}, and every
     * peer is told, so theirs throw it too. A rank whose own work fails calls this.
     */
    public void fail(ProcessGroupException failure) {
        inbox.fail(failure);
    }

    int rank() { return rank; }

    int size() { return size; }

    Duration timeout() { return timeout; }

    ByteBufAllocator alloc() { return alloc; }

    Inbox inbox() { return inbox; }

    /** Queues a frame for a peer (a world rank other than this one); throws if the world has failed. */
    void send(int peer, ByteBuf frame) {
        ProcessGroupException failed = inbox.failure();
        Channel ch = peers.get(peer);
        if (failed != null || ch == null || closing) {
            frame.release();
            if (failed != null) throw new ProcessGroupException(failed.getMessage(), failed);
            throw new ProcessGroupException(closing ? "rank " + rank + "'s process group is closed" : "rank " + rank + " has no connection to rank " + peer);
        }
        ch.writeAndFlush(frame).addListener((ChannelFutureListener) f -> {
            // a failed write is the peer lost, said as the closed connection says it: whichever is seen first
            if (!f.isSuccess() && !closing) {
                fail(new ProcessGroupException("lost rank " + peer + ": rank " + rank + " could not send to it (" + f.cause() + ")", f.cause()));
            }
        });
    }

    /** Says goodbye to every peer, then closes the connections and the network thread. */
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        List<ChannelFuture> byes = new ArrayList<>();
        for (int p = 0; p < size; p++) {
            Channel ch = peers.get(p);
            if (ch != null && ch.isActive()) byes.add(ch.writeAndFlush(FrameCodec.encode(alloc, Frame.Kind.BYE, 0, 0, rank, new byte[0])));
        }
        for (ChannelFuture f : byes) f.awaitUninterruptibly(1, TimeUnit.SECONDS);
        Channel l = listener;
        if (l != null) l.close();
        for (int p = 0; p < size; p++) {
            Channel ch = peers.get(p);
            if (ch != null) ch.close();
        }
        ready.completeExceptionally(new ProcessGroupException("rank " + rank + "'s process group was closed"));
        inbox.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    // ---- rendezvous --------------------------------------------------------------------

    /** Binds this rank's listener; the future completes once it listens (or could not). */
    private ChannelFuture listen(InetSocketAddress bind) {
        ServerBootstrap b = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true).childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Connection c = new Connection(Connection.UNKNOWN);
                        ch.pipeline().addLast(c.decoder, c);
                        // A connection that never says who it is must not linger.
                        ch.eventLoop().schedule(() -> {
                            if (c.peer == Connection.UNKNOWN) ch.close();
                        }, joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                });
        return b.bind(bind).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                listener = f.channel();
                port = ((InetSocketAddress) f.channel().localAddress()).getPort();
            }
        });
    }

    private void connectToRank0(InetSocketAddress rank0, long deadline) {
        connect(rank0, 0).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                peers.set(0, f.channel());
                // Listen where rank 0 was reached from, so the address rank 0 sees is one the others can reach too.
                InetAddress local = ((InetSocketAddress) f.channel().localAddress()).getAddress();
                listen(new InetSocketAddress(local, 0)).addListener((ChannelFutureListener) bound -> {
                    if (bound.isSuccess()) {
                        f.channel().writeAndFlush(hello(port()));
                    } else {
                        ready.completeExceptionally(new ProcessGroupException("rank " + rank + " could not listen on " + local + ": " + bound.cause(), bound.cause()));
                    }
                });
            } else if (System.nanoTime() < deadline && !closing) {
                loop.schedule(() -> connectToRank0(rank0, deadline), 100, TimeUnit.MILLISECONDS);
            } else {
                ready.completeExceptionally(new ProcessGroupException("rank " + rank + " could not reach rank 0 at " + rank0 + " within "
                        + Inbox.seconds(joinTimeout) + ": " + f.cause(), f.cause()));
            }
        });
    }

    private ChannelFuture connect(InetSocketAddress to, int peer) {
        return new Bootstrap().group(loop).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, alloc).option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(joinTimeout.toMillis(), Integer.MAX_VALUE))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Connection c = new Connection(peer);
                        // A lower rank is one rank 0 vouched for; rank 0 itself is trusted once its table has come.
                        if (peer != 0) c.decoder.trust();
                        ch.pipeline().addLast(c.decoder, c);
                    }
                }).connect(to);
    }

    private ByteBuf hello(int listenPort) {
        return FrameCodec.encode(alloc, Frame.Kind.HELLO, 0, 0, rank, ByteBuffer.allocate(8).putInt(size).putInt(listenPort).array());
    }

    /** Fails the rendezvous with the ranks still missing once the timeout has passed. */
    private void expireRendezvous() {
        loop.schedule(() -> {
            if (ready.isDone()) return;
            List<Integer> missing = new ArrayList<>();
            for (int p = 0; p < size; p++) if (p != rank && peers.get(p) == null) missing.add(p);
            ready.completeExceptionally(new ProcessGroupException((rank == 0 ? "" : "rank " + rank + ": ") + Inbox.names(missing)
                    + " did not join the world of " + size + " within " + Inbox.seconds(joinTimeout)));
        }, joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A hello on an accepted connection: the peer's rank is checked, registered, and on rank 0 the table goes out when complete. */
    private String admit(Channel ch, int peer, int worldSize, int listenPort) {
        if (worldSize != size) return "rank " + peer + " says the world has " + worldSize + " ranks; rank " + rank + " has " + size;
        int lowest = rank == 0 ? 1 : rank + 1;
        if (peer < lowest || peer >= size) return "rank " + peer + " may not connect to rank " + rank + " (expected ranks " + lowest + ".." + (size - 1) + ")";
        if (ready.isDone()) return "the rendezvous of the world of " + size + " is over";
        if (!peers.compareAndSet(peer, null, ch)) return "rank " + peer + " has already joined";
        if (rank == 0) {
            advertised[peer] = new InetSocketAddress(((InetSocketAddress) ch.remoteAddress()).getAddress(), listenPort);
            if (complete()) {
                ByteBuffer table = ByteBuffer.allocate(4 + size * 24);
                table.putInt(size);
                for (int p = 1; p < size; p++) {
                    byte[] ip = advertised[p].getAddress().getAddress();
                    table.put((byte) ip.length).put(ip).putInt(advertised[p].getPort());
                }
                byte[] bytes = java.util.Arrays.copyOf(table.array(), table.position());
                for (int p = 1; p < size; p++) peers.get(p).writeAndFlush(FrameCodec.encode(alloc, Frame.Kind.PEERS, 0, 0, 0, bytes));
                becomeReady();
            }
        } else if (complete()) {
            becomeReady();
        }
        return null;
    }

    /** The peer table from rank 0 (on a joining rank): connect to every rank between 0 and this one. */
    private void connectToLowerRanks(ByteBuf table) throws UnknownHostException {
        int n = table.readInt();
        if (n != size) throw new ProcessGroupException("rank 0's peer table has " + n + " ranks; rank " + rank + " expected " + size);
        for (int p = 1; p < size; p++) {
            byte[] ip = new byte[table.readByte()];
            table.readBytes(ip);
            InetSocketAddress at = new InetSocketAddress(InetAddress.getByAddress(ip), table.readInt());
            if (p >= rank) continue;
            int peer = p;
            connect(at, peer).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ready.completeExceptionally(new ProcessGroupException("rank " + rank + " could not reach rank " + peer + " at " + at + ": " + f.cause(), f.cause()));
                    return;
                }
                peers.set(peer, f.channel());
                f.channel().writeAndFlush(hello(0));
                if (complete()) becomeReady();
            });
        }
        if (complete()) becomeReady();
    }

    private boolean complete() {
        for (int p = 0; p < size; p++) if (p != rank && peers.get(p) == null) return false;
        return true;
    }

    private void becomeReady() {
        if (ready.complete(null)) {
            Channel l = listener;
            if (l != null) l.close();   // nobody else may join
        }
    }

    private void tellPeers(ProcessGroupException failure) {
        byte[] text = failure.getMessage().getBytes(StandardCharsets.UTF_8);
        for (int p = 0; p < size; p++) {
            Channel ch = peers.get(p);
            if (ch != null && ch.isActive()) ch.writeAndFlush(FrameCodec.encode(alloc, Frame.Kind.FAIL, 0, 0, rank, text));
        }
        ready.completeExceptionally(failure);
    }

    /** One connection's inbound side: who is at the other end, and where its frames go. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        static final int UNKNOWN = -1, REFUSED = -2;
        volatile int peer;   // UNKNOWN until an accepted connection says hello; REFUSED once this side closes it on purpose
        final FrameCodec.Decoder decoder = new FrameCodec.Decoder(maxPayload);
        private volatile boolean saidGoodbye;

        Connection(int peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            Frame f = (Frame) msg;
            if (peer == REFUSED) {
                f.release();
                return;
            }
            try {
                if (peer < 0) {
                    if (f.kind() != Frame.Kind.HELLO || f.payload().readableBytes() != 8) {
                        refuse(ctx, "its first frame was a " + f.kind().operation + ", not a hello");
                        return;
                    }
                    String rejection = admit(ctx.channel(), f.source(), f.payload().getInt(f.payload().readerIndex()), f.payload().getInt(f.payload().readerIndex() + 4));
                    if (rejection != null) {
                        ctx.writeAndFlush(FrameCodec.encode(alloc, Frame.Kind.REJECT, 0, 0, rank, rejection.getBytes(StandardCharsets.UTF_8)))
                                .addListener(ChannelFutureListener.CLOSE);
                        LOG.log(System.Logger.Level.WARNING, "rank " + rank + " refused " + ctx.channel().remoteAddress() + ": " + rejection);
                        return;
                    }
                    peer = f.source();
                    decoder.trust();
                    return;
                }
                if (f.source() != peer) {
                    badFrame(ctx, "a frame that says it is from rank " + f.source());
                    return;
                }
                switch (f.kind()) {
                    case HELLO -> badFrame(ctx, "a second hello");
                    case PEERS -> {
                        if (peer != 0 || rank == 0) badFrame(ctx, "a peer table");
                        else {
                            decoder.trust();
                            connectToLowerRanks(f.payload());
                        }
                    }
                    case REJECT -> ready.completeExceptionally(new ProcessGroupException("rank " + peer + " refused rank " + rank + ": " + f.text()));
                    case FAIL -> inbox.failedElsewhere(new ProcessGroupException(f.text()));
                    case BYE -> {
                        saidGoodbye = true;
                        inbox.departed(peer, "has left the world (it closed its process group)");
                    }
                    default -> {
                        inbox.deliver(f);
                        return;   // the inbox owns the frame now
                    }
                }
            } catch (RuntimeException e) {
                badFrame(ctx, "a " + f.kind().operation + " frame that could not be read (" + e + ")");
            }
            f.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException && cause.getCause() instanceof FrameCodec.BadFrameException bad) {
                if (peer < 0) refuse(ctx, bad.getMessage());
                else badFrame(ctx, "a bad frame: " + bad.getMessage());
            } else if (peer >= 0 && !closing) {
                lost("its connection failed (" + cause + ")");
                ctx.close();
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer >= 0 && !closing) lost("its connection closed without a goodbye (the rank died, or its network failed)");
        }

        /** The connection to a peer ended without a goodbye: the world fails, naming the peer. */
        private void lost(String how) {
            if (saidGoodbye) return;   // a rank that said goodbye has only left: waiting for it fails, nothing else does
            ProcessGroupException e = new ProcessGroupException("lost rank " + peer + ": " + how);
            inbox.fail(e);   // before departed(), so a waiter wakes to this message
            inbox.departed(peer, "is lost");
            ready.completeExceptionally(e);
        }

        private void badFrame(ChannelHandlerContext ctx, String what) {
            ProcessGroupException e = new ProcessGroupException("rank " + peer + " sent " + what + "; rank " + rank + " closed its connection");
            inbox.fail(e);
            ready.completeExceptionally(e);
            int p = peer;
            peer = REFUSED;   // closing on purpose: the close itself is not news
            inbox.departed(p, "sent a bad frame");
            ctx.close();
        }

        private void refuse(ChannelHandlerContext ctx, String why) {
            LOG.log(System.Logger.Level.WARNING, "rank " + rank + " refused a connection from " + ctx.channel().remoteAddress() + ": " + why);
            peer = REFUSED;
            ctx.close();
        }
    }
}
