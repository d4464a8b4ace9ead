package org.jcomfy.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The work-splitting pool every CPU kernel shares, sized to the cores. A kernel hands it a
 * range of independent work items ({@link #parallelFor}); the range is cut into at most one
 * chunk per thread (fewer when the work is small), the pool's threads run the chunks and the
 * caller waits for them. Calls made from inside a chunk (a kernel calling a kernel) work too:
 * a fork/join pool lets a waiting worker run the queued chunks instead of blocking.
 *
 * <p>Native BLAS runs single-threaded inside these chunks (see {@link OpenBlas}), so the two
 * never compete for cores.
 */
public final class CpuThreads {

    /** A chunk of work: items {@code [start, end)}. */
    @FunctionalInterface
    public interface Range {
        void run(long start, long end);
    }

    private static final CpuThreads SHARED = new CpuThreads(Runtime.getRuntime().availableProcessors());

    private final ForkJoinPool pool;
    private final int threads;

    /** A pool of {@code threads} daemon threads ({@code 1} runs everything on the caller). */
    public CpuThreads(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = new ForkJoinPool(this.threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("jcomfy-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** The process-wide pool, one thread per available core. */
    public static CpuThreads shared() { return SHARED; }

    public int threads() { return threads; }

    /**
     * Runs {@code body} over {@code [0, n)} split into contiguous chunks of at least
     * {@code grain} items (so tiny jobs stay on one thread), at most one chunk per thread.
     */
    public void parallelFor(long n, long grain, Range body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks == 1) {
            body.run(0, n);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            long start = n * c / chunks, end = n * (c + 1) / chunks;
            tasks.add(ForkJoinTask.adapt(() -> body.run(start, end)));
        }
        if (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(tasks);
        } else {
            pool.invoke(ForkJoinTask.adapt(() -> ForkJoinTask.invokeAll(tasks)));
        }
    }

    /** Runs {@code body(i)} for each {@code i} in {@code [0, n)}, one item per task. */
    public void forEach(int n, java.util.function.IntConsumer body) {
        parallelFor(n, 1, (s, e) -> {
            for (long i = s; i < e; i++) body.accept((int) i);
        });
    }
}
