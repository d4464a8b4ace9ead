package org.jcomfy.backend.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;

/**
 * A {@link ProcessGroup} whose ranks are threads of this JVM, one rank per thread: {@link #run}
 * starts them. Tensors are exchanged by copying, each rank copying what it receives into its own
 * scope. A handle belongs to its rank's thread; the world's state is shared (see {@link LocalWorld}).
 */
public final class LocalProcessGroup implements ProcessGroup {
    /** How long a collective waits for the other ranks unless {@link #run(int, Duration, RankTask)} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final LocalWorld world;
    private final String name;
    private final int[] members;   // world ranks, in group order
    private final int rank;
    private long calls;
    private final Map<String, Integer> subgroupsMade = new HashMap<>();

    private LocalProcessGroup(LocalWorld world, String name, int[] members, int rank) {
        this.world = world;
        this.name = name;
        this.members = members;
        this.rank = rank;
    }

    /** What one rank does with its group. */
    @FunctionalInterface
    public interface RankTask<T> {
        T run(ProcessGroup group) throws Exception;
    }

    /** {@link #run(int, Duration, RankTask)} with {@link #DEFAULT_TIMEOUT}. */
    public static <T> List<T> run(int worldSize, RankTask<T> task) {
        return run(worldSize, DEFAULT_TIMEOUT, task);
    }

    /**
     * Runs {@code task} on {@code worldSize} ranks, one thread each, and returns their results in
     * rank order. The first rank to fail (or to time out waiting) fails the world: every other
     * rank's pending or next collective throws, and this method throws that first failure.
     */
    public static <T> List<T> run(int worldSize, Duration timeout, RankTask<T> task) {
        if (worldSize < 1) throw new IllegalArgumentException("a world needs at least one rank, got " + worldSize);
        LocalWorld world = new LocalWorld(worldSize, Objects.requireNonNull(timeout));
        int[] all = IntStream.range(0, worldSize).toArray();
        List<T> results = new ArrayList<>(Collections.nCopies(worldSize, null));
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            int rank = r;
            threads.add(Thread.ofPlatform().name("rank-" + rank).start(() -> {
                try {
                    T result = task.run(new LocalProcessGroup(world, "world", all, rank));
                    synchronized (results) {
                        results.set(rank, result);
                    }
                } catch (ProcessGroupException e) {
                    world.fail(e);
                } catch (Throwable e) {
                    world.fail(new ProcessGroupException("rank " + rank + " failed: " + e, e));
                }
            }));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    // Stopping the ranks is the same as a failing one: each throws at its next collective.
                    interrupted = true;
                    world.fail(new ProcessGroupException("the ranks were interrupted", e));
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        ProcessGroupException failure = world.failure();
        // Thrown anew so the caller's stack shows; the cause is the failing rank's own exception where it had one.
        if (failure != null) throw new ProcessGroupException(failure.getMessage(), failure.getCause() != null ? failure.getCause() : failure);
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    @Override public int rank() { return rank; }

    @Override public int size() { return members.length; }

    @Override public Duration timeout() { return world.timeout(); }

    @Override
    public ProcessGroup split(int colour, int key) {
        long call = calls;
        int[][] all = meet("split", new int[] {colour, key}, payloads -> {
            int[][] out = new int[payloads.length][];
            for (int j = 0; j < payloads.length; j++) out[j] = (int[]) payloads[j];
            return out;
        });
        int[] mine = GroupRanks.splitMembers(all, colour);
        return child(name + "/split" + call + ":" + colour, mine);
    }

    @Override
    public ProcessGroup subgroup(int... ranks) {
        GroupRanks.checkSubgroup(ranks, members.length, rank);
        // The n-th subgroup of the same ranks is its own group, so making one twice does not mix their calls.
        String id = Arrays.toString(ranks);
        int n = subgroupsMade.merge(id, 1, Integer::sum);
        return child(name + "/" + id + "#" + n, ranks);
    }

    private LocalProcessGroup child(String childName, int[] groupRanks) {
        int[] worldRanks = GroupRanks.worldRanks(members, groupRanks);
        int position = GroupRanks.position(groupRanks, rank);
        return new LocalProcessGroup(world, childName, worldRanks, position);
    }

    @Override
    public List<Tensor> allToAll(List<Tensor> parts) {
        if (parts.size() != members.length) {
            throw new IllegalArgumentException("all-to-all needs one part per rank (" + members.length + "), got " + parts.size());
        }
        parts.forEach(GroupRanks::requireF32);
        return meet("allToAll", List.copyOf(parts), payloads -> {
            List<Tensor> out = new ArrayList<>(payloads.length);
            for (Object p : payloads) out.add(((List<?>) p).get(rank) instanceof Tensor t ? t.copy() : null);
            return out;
        });
    }

    @Override
    public List<Tensor> allGather(Tensor tensor) {
        GroupRanks.requireF32(tensor);
        return meet("allGather", tensor, payloads -> {
            List<Tensor> out = new ArrayList<>(payloads.length);
            for (Object p : payloads) out.add(((Tensor) p).copy());
            return out;
        });
    }

    @Override
    public Tensor allReduce(Tensor tensor, Reduction reduction) {
        GroupRanks.requireF32(tensor);
        return meet("allReduce " + reduction, tensor, payloads -> {
            Tensor out = ((Tensor) payloads[0]).copy();
            MemorySegment acc = out.data();
            for (int j = 1; j < payloads.length; j++) {
                Tensor t = (Tensor) payloads[j];
                if (!Arrays.equals(t.shape(), out.shape())) {
                    throw new ProcessGroupException("all-reduce of different shapes: rank " + members[0] + " "
                            + Arrays.toString(out.shape()) + ", rank " + members[j] + " " + Arrays.toString(t.shape()));
                }
                MemorySegment in = t.data();
                for (long i = 0, n = out.numel(); i < n; i++) {
                    float a = acc.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), b = in.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                    acc.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, reduction == Reduction.SUM ? a + b : Math.max(a, b));
                }
            }
            return out;
        });
    }

    @Override
    public Tensor broadcast(Tensor tensor, int root) {
        checkPeer(root, "broadcast root");
        if (rank == root) GroupRanks.requireF32(tensor);
        return meet("broadcast from " + root, rank == root ? tensor : null, payloads -> ((Tensor) payloads[root]).copy());
    }

    @Override
    public void send(Tensor tensor, int to) {
        checkPeer(to, "send target");
        GroupRanks.requireF32(tensor);
        world.post(name, members[rank], members[to], TensorScope.detached(tensor));
    }

    @Override
    public Tensor recv(int from) {
        checkPeer(from, "recv source");
        return world.take(name, members[from], members[rank]).copy();
    }

    @Override
    public void barrier() {
        meet("barrier", null, payloads -> null);
    }

    private <R> R meet(String operation, Object payload, Function<Object[], R> read) {
        return world.meet(new LocalWorld.Key(name, calls++), members, rank, operation, payload, read);
    }

    private void checkPeer(int peer, String what) {
        if (peer < 0 || peer >= members.length) {
            throw new IllegalArgumentException(what + " " + peer + " is not a rank of this group of " + members.length);
        }
    }

    @Override
    public String toString() {
        return "rank " + rank + " of local group " + name + " " + Arrays.toString(members);
    }
}
