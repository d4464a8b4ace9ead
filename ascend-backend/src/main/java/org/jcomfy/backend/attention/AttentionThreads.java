package org.jcomfy.backend.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The worker pool attention kernels split their (batch, head, query-block) work over.
 * {@link #shared()} is sized to the machine's cores, or to the system property
 * {@code jcomfy.attention.threads} when set; benchmarks build their own with a fixed count.
 */
public final class AttentionThreads {
    private static final class Holder {
        static final AttentionThreads SHARED = new AttentionThreads(
                Integer.getInteger("jcomfy.attention.threads", Runtime.getRuntime().availableProcessors()));
    }

    private final ForkJoinPool pool;

    public AttentionThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("attention threads must be >= 1, got " + threads);
        this.pool = new ForkJoinPool(threads, p -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            worker.setName("jcomfy-attention-" + worker.getPoolIndex());
            worker.setDaemon(true);
            return worker;
        }, null, false);
    }

    public static AttentionThreads shared() {
        return Holder.SHARED;
    }

    public int threads() {
        return pool.getParallelism();
    }

    /** Runs {@code body(i)} for i in {@code [0, count)} on the pool and waits; the first failure is rethrown. */
    public void forEach(int count, IntConsumer body) {
        if (count <= 0) return;
        if (count == 1 || pool.getParallelism() == 1) {
            for (int i = 0; i < count; i++) body.accept(i);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            tasks.add(ForkJoinTask.adapt(() -> body.accept(index)));
        }
        if (ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(tasks); // already one of our workers: help instead of blocking
        } else {
            pool.invoke(ForkJoinTask.adapt(() -> ForkJoinTask.invokeAll(tasks)));
        }
    }
}
