package org.jcomfy.backend.parallel.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jcomfy.backend.parallel.LocalProcessGroup.RankTask;
import org.jcomfy.backend.parallel.ProcessGroupException;

/**
 * Runs a world of Netty ranks inside one JVM, one thread each (named {@code rank-<r>}), over real
 * loopback connections: what {@link org.jcomfy.backend.parallel.LocalProcessGroup#run} is for the
 * in-process group, so the same contract runs on both. A rank's failure is passed on through its
 * mesh, exactly as a worker JVM's would be; the meshes close once every rank is done.
 */
final class NettyRanks {
    private NettyRanks() {}

    static <T> List<T> run(int worldSize, MeshOptions options, RankTask<T> task) {
        NettyMesh[] meshes = new NettyMesh[worldSize];
        meshes[0] = NettyMesh.host(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), worldSize, options);
        InetSocketAddress rank0 = new InetSocketAddress(InetAddress.getLoopbackAddress(), meshes[0].port());
        for (int r = 1; r < worldSize; r++) meshes[r] = NettyMesh.join(rank0, r, worldSize, options);
        List<T> results = new ArrayList<>(Collections.nCopies(worldSize, null));
        List<ProcessGroupException> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            int rank = r;
            threads.add(Thread.ofPlatform().name("rank-" + rank).start(() -> {
                try {
                    T result = task.run(meshes[rank].world());
                    synchronized (results) {
                        results.set(rank, result);
                    }
                } catch (Throwable e) {
                    ProcessGroupException failure = e instanceof ProcessGroupException p ? p
                            : new ProcessGroupException("rank " + rank + " failed: " + e, e);
                    failures.add(failure);
                    meshes[rank].fail(failure);
                }
            }));
        }
        boolean interrupted = false;
        try {
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        ProcessGroupException stop = new ProcessGroupException("the ranks were interrupted", e);
                        failures.addFirst(stop);
                        for (NettyMesh m : meshes) m.fail(stop);
                    }
                }
            }
        } finally {
            for (NettyMesh m : meshes) m.close();
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (!failures.isEmpty()) {
            ProcessGroupException first = failures.getFirst();
            throw new ProcessGroupException(first.getMessage(), first.getCause() != null ? first.getCause() : first);
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }
}
