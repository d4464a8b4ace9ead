package org.jcomfy.backend.attention;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * The (batch, head, query-block) schedule both implementations share. Heads are packed a
 * wave at a time and the wave's query blocks run as one batch of pool tasks. A wave is one
 * head when a head alone has enough query blocks to keep every thread busy (long sequences:
 * memory stays one head's keys and values); when it has few (short queries, many heads)
 * several heads share a wave so the pool is not left idle.
 */
final class HeadWaves {
    /** Query-block tasks per thread a wave aims for, so uneven blocks even out. */
    private static final int TASKS_PER_THREAD = 4;

    /** Work on one query block of one head; {@code slot} is the head's index within its wave. */
    @FunctionalInterface
    interface QueryBlockTask {
        void run(PackedHead head, int slot, int b, int h, int queryBlock);
    }

    private HeadWaves() {}

    /** Heads per wave for this many query blocks per head, at most {@code maxHeads}. */
    static int headsPerWave(int queryBlocks, int totalHeads, int threads, int maxHeads) {
        int wanted = (TASKS_PER_THREAD * threads + queryBlocks - 1) / Math.max(queryBlocks, 1);
        return Math.max(1, Math.min(Math.min(wanted, totalHeads), maxHeads));
    }

    /** Runs {@code task} for every query block of every (b, h) of k/v {@code [B, Sk, H, ·]}. */
    static void run(Tensor k, Tensor v, int blockKeys, int queryBlocks, int headsPerWave, CpuThreads threads,
                    QueryBlockTask task) {
        int heads = (int) k.dim(2), total = (int) k.dim(0) * heads;
        PackedHead[] slots = new PackedHead[headsPerWave];
        for (int first = 0; first < total; first += headsPerWave) {
            int inWave = Math.min(headsPerWave, total - first), wave = first;
            for (int s = 0; s < inWave; s++) {
                if (slots[s] == null) slots[s] = new PackedHead(k, v, blockKeys, threads);
                slots[s].load((wave + s) / heads, (wave + s) % heads);
            }
            threads.forEach(inWave * queryBlocks, t -> {
                int slot = t / queryBlocks, bh = wave + slot;
                task.run(slots[slot], slot, bh / heads, bh % heads, t % queryBlocks);
            });
        }
    }
}
