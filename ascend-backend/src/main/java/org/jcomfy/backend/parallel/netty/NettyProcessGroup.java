package org.jcomfy.backend.parallel.netty;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jcomfy.backend.parallel.GroupRanks;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A {@link ProcessGroup} whose ranks talk over a {@link NettyMesh}: ranks in other JVMs or hosts.
 * Every collective goes straight between the ranks concerned (the mesh is complete): each rank
 * sends its frames, then collects the frames of the same call from the ranks it needs, so nothing
 * waits on a reply before sending. A frame names its group (a hash of the group's name, which
 * every member derives the same way) and the group's call number, so a rank's groups share its
 * connections without their frames meeting.
 *
 * <p>All-reduce gathers every rank's tensor and reduces in rank order on each rank: with the few
 * ranks and small tensors it serves (adaptive cache metrics), n-1 copies cost less than a ring's
 * 2(n-1) latencies, and every rank gets the same bits. A handle belongs to one thread, as in
 * torch.distributed.
 */
public final class NettyProcessGroup implements ProcessGroup {
    private static final ValueLayout.OfFloat WIRE_F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final NettyMesh mesh;
    private final String name;
    private final long id;
    private final int[] members;   // world ranks, in group order
    private final int rank;
    private long calls;
    private final Map<String, Integer> subgroupsMade = new HashMap<>();

    private NettyProcessGroup(NettyMesh mesh, String name, int[] members, int rank) {
        this.mesh = mesh;
        this.name = name;
        this.id = idOf(name);
        this.members = members;
        this.rank = rank;
    }

    static NettyProcessGroup world(NettyMesh mesh) {
        return new NettyProcessGroup(mesh, "world", IntStream.range(0, mesh.size()).toArray(), mesh.rank());
    }

    @Override public int rank() { return rank; }

    @Override public int size() { return members.length; }

    @Override public Duration timeout() { return mesh.timeout(); }

    @Override
    public ProcessGroup split(int colour, int key) {
        long call = calls;
        byte[] mine = ByteBuffer.allocate(8).putInt(colour).putInt(key).array();
        int[][] all = new int[members.length][];
        all[rank] = new int[] {colour, key};
        Frame[] got = exchange(Frame.Kind.SPLIT, j -> FrameCodec.encode(mesh.alloc(), Frame.Kind.SPLIT, id, call, me(), mine), others());
        int[] others = others();
        for (int i = 0; i < others.length; i++) {
            ByteBuf p = got[i].payload();
            all[others[i]] = new int[] {p.getInt(p.readerIndex()), p.getInt(p.readerIndex() + 4)};
            got[i].release();
        }
        int[] chosen = GroupRanks.splitMembers(all, colour);
        return child(name + "/split" + call + ":" + colour, chosen);
    }

    @Override
    public ProcessGroup subgroup(int... ranks) {
        GroupRanks.checkSubgroup(ranks, members.length, rank);
        // The n-th subgroup of the same ranks is its own group, so making one twice does not mix their calls.
        String key = Arrays.toString(ranks);
        int n = subgroupsMade.merge(key, 1, Integer::sum);
        return child(name + "/" + key + "#" + n, ranks);
    }

    private NettyProcessGroup child(String childName, int[] groupRanks) {
        int[] worldRanks = GroupRanks.worldRanks(members, groupRanks);
        int position = GroupRanks.position(groupRanks, rank);
        return new NettyProcessGroup(mesh, childName, worldRanks, position);
    }

    @Override
    public List<Tensor> allToAll(List<Tensor> parts) {
        if (parts.size() != members.length) {
            throw new IllegalArgumentException("all-to-all needs one part per rank (" + members.length + "), got " + parts.size());
        }
        parts.forEach(GroupRanks::requireF32);
        long call = calls;
        Frame[] got = exchange(Frame.Kind.ALL_TO_ALL, j -> FrameCodec.encode(mesh.alloc(), Frame.Kind.ALL_TO_ALL, id, call, me(), parts.get(j)), others());
        return assemble(got, parts.get(rank));
    }

    @Override
    public List<Tensor> allGather(Tensor tensor) {
        GroupRanks.requireF32(tensor);
        long call = calls;
        ByteBuf once = members.length > 1 ? FrameCodec.encode(mesh.alloc(), Frame.Kind.ALL_GATHER, id, call, me(), tensor) : null;
        try {
            Frame[] got = exchange(Frame.Kind.ALL_GATHER, j -> once.retainedDuplicate(), others());
            return assemble(got, tensor);
        } finally {
            if (once != null) once.release();
        }
    }

    @Override
    public Tensor allReduce(Tensor tensor, Reduction reduction) {
        GroupRanks.requireF32(tensor);
        Frame.Kind kind = reduction == Reduction.SUM ? Frame.Kind.ALL_REDUCE_SUM : Frame.Kind.ALL_REDUCE_MAX;
        long call = calls;
        ByteBuf once = members.length > 1 ? FrameCodec.encode(mesh.alloc(), kind, id, call, me(), tensor) : null;
        Frame[] got;
        try {
            got = exchange(kind, j -> once.retainedDuplicate(), others());
        } finally {
            if (once != null) once.release();
        }
        try {
            // Every rank's contribution in rank order: its own from memory, the others' from their frames.
            MemorySegment[] in = new MemorySegment[members.length];
            ValueLayout.OfFloat[] layout = new ValueLayout.OfFloat[members.length];
            long[][] shapes = new long[members.length][];
            int[] others = others();
            in[rank] = tensor.data();
            layout[rank] = ValueLayout.JAVA_FLOAT_UNALIGNED;
            shapes[rank] = tensor.shape();
            for (int i = 0; i < others.length; i++) {
                ByteBuf p = got[i].payload();
                in[others[i]] = MemorySegment.ofBuffer(p.nioBuffer(p.readerIndex(), p.readableBytes()));
                layout[others[i]] = WIRE_F32;
                shapes[others[i]] = got[i].shape();
            }
            for (int j = 1; j < members.length; j++) {
                if (!Arrays.equals(shapes[j], shapes[0])) {
                    ProcessGroupException e = new ProcessGroupException("all-reduce of different shapes: rank " + members[0] + " "
                            + Arrays.toString(shapes[0]) + ", rank " + members[j] + " " + Arrays.toString(shapes[j]));
                    mesh.fail(e);
                    throw e;
                }
            }
            Tensor out = Tensor.zeros(DType.F32, tensor.shape());
            MemorySegment acc = out.data();
            for (long i = 0, n = out.numel(); i < n; i++) {
                float a = in[0].getAtIndex(layout[0], i);
                for (int j = 1; j < members.length; j++) {
                    float b = in[j].getAtIndex(layout[j], i);
                    a = reduction == Reduction.SUM ? a + b : Math.max(a, b);
                }
                acc.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, a);
            }
            return out;
        } finally {
            for (Frame f : got) f.release();
        }
    }

    @Override
    public Tensor broadcast(Tensor tensor, int root) {
        checkPeer(root, "broadcast root");
        long call = calls;
        if (rank == root) {
            GroupRanks.requireF32(tensor);
            ByteBuf once = members.length > 1 ? FrameCodec.encode(mesh.alloc(), Frame.Kind.BROADCAST, id, call, me(), tensor) : null;
            try {
                exchange(Frame.Kind.BROADCAST, j -> once.retainedDuplicate(), new int[0]);
            } finally {
                if (once != null) once.release();
            }
            return tensor.copy();
        }
        Frame[] got = exchange(Frame.Kind.BROADCAST, j -> null, new int[] {root});
        try {
            return FrameCodec.toTensor(got[0]);
        } finally {
            got[0].release();
        }
    }

    @Override
    public void send(Tensor tensor, int to) {
        checkPeer(to, "send target");
        GroupRanks.requireF32(tensor);
        ByteBuf frame = FrameCodec.encode(mesh.alloc(), Frame.Kind.MESSAGE, id, 0, me(), tensor);
        if (to == rank) {
            // To itself: straight into the inbox, as the codec would have read it.
            frame.skipBytes(FrameCodec.HEADER_BYTES + 8 * tensor.rank());
            mesh.inbox().deliver(new Frame(Frame.Kind.MESSAGE, id, 0, me(), tensor.shape(), frame));
        } else {
            mesh.send(members[to], frame);
        }
    }

    @Override
    public Tensor recv(int from) {
        checkPeer(from, "recv source");
        Frame f = mesh.inbox().take(id, name, members[from], mesh.timeout());
        try {
            return FrameCodec.toTensor(f);
        } finally {
            f.release();
        }
    }

    @Override
    public void barrier() {
        long call = calls;
        Frame[] got = exchange(Frame.Kind.BARRIER, j -> FrameCodec.encode(mesh.alloc(), Frame.Kind.BARRIER, id, call, me(), new byte[0]), others());
        for (Frame f : got) f.release();
    }

    /** What a rank sends to group member j in one call (null: nothing). */
    private interface FrameFor {
        ByteBuf to(int member);
    }

    /**
     * One collective call: sends each other member its frame, then waits for the frames of this
     * call from {@code from} (group positions), returned in that order.
     */
    private Frame[] exchange(Frame.Kind kind, FrameFor frames, int[] from) {
        long call = calls++;
        ProcessGroupException failed = mesh.inbox().failure();
        if (failed != null) throw new ProcessGroupException(failed.getMessage(), failed);
        for (int j = 0; j < members.length; j++) {
            if (j == rank) continue;
            ByteBuf frame = frames.to(j);
            if (frame != null) mesh.send(members[j], frame);
        }
        int[] sources = IntStream.of(from).map(j -> members[j]).toArray();
        return mesh.inbox().collect(id, name, call, kind, sources, mesh.timeout());
    }

    /** Element j from member j: this rank's own part copied, the others' read from their frames. */
    private List<Tensor> assemble(Frame[] got, Tensor own) {
        List<Tensor> out = new ArrayList<>(members.length);
        int i = 0;
        try {
            for (int j = 0; j < members.length; j++) out.add(j == rank ? own.copy() : FrameCodec.toTensor(got[i++]));
            return out;
        } finally {
            for (Frame f : got) f.release();
        }
    }

    /** The group positions of every member but this rank. */
    private int[] others() {
        return IntStream.range(0, members.length).filter(j -> j != rank).toArray();
    }

    private int me() {
        return members[rank];
    }

    private void checkPeer(int peer, String what) {
        if (peer < 0 || peer >= members.length) {
            throw new IllegalArgumentException(what + " " + peer + " is not a rank of this group of " + members.length);
        }
    }

    /** FNV-1a of the group's name: every member computes the same id without a word exchanged. */
    static long idOf(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        return "rank " + rank + " of Netty group " + name + " " + Arrays.toString(members);
    }
}
