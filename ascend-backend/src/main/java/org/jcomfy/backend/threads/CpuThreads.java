package org.jcomfy.backend.threads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntConsumer;

/**
 * The one work-splitting pool of the CPU device: every CPU kernel and every attention
 * implementation hands its independent work items to it and waits. {@link #parallelFor} cuts a
 * range into at most one contiguous chunk per thread (fewer when the work is small);
 * {@link #forEach} makes one task per item, so uneven items (query blocks, GEMM tiles) balance
 * across the threads. Calls made from inside a task (a kernel calling a kernel) work too: a
 * fork/join pool lets a waiting worker run the queued tasks instead of blocking. The first failure
 * of a task is rethrown to the caller.
 *
 * <p>One pool for all kernels means the thread count is one setting
 * ({@code BackendOptions.threads}), and no two pools compete for the cores. Native BLAS runs
 * single-threaded inside these tasks (see {@code OpenBlas}) for the same reason.
 */
public final class CpuThreads {

    /** A chunk of work: items {@code [start, end)}. */
    @FunctionalInterface
    public interface Range {
        void run(long start, long end);
    }

    private final ForkJoinPool pool;
    private final int threads;

    /** A pool of {@code threads} daemon threads ({@code 1} runs everything on the caller). */
    public CpuThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        this.threads = threads;
        this.pool = new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("jcomfy-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

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
        invokeAll(tasks);
    }

    /** Runs {@code body(i)} for each {@code i} in {@code [0, n)}, one task per item. */
    public void forEach(int n, IntConsumer body) {
        if (n <= 0) return;
        if (n == 1 || threads == 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int item = i;
            tasks.add(ForkJoinTask.adapt(() -> body.accept(item)));
        }
        invokeAll(tasks);
    }

    private void invokeAll(List<ForkJoinTask<?>> tasks) {
        if (ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(tasks); // already one of our workers: help instead of blocking
        } else {
            pool.invoke(ForkJoinTask.adapt(() -> ForkJoinTask.invokeAll(tasks)));
        }
    }
}
