package org.jcomfy.nodes.models.parallel;

import java.util.function.IntFunction;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Ring attention over a group of r ranks, each holding one block of the keys and values: the
 * blocks travel around the ring, one hop per step, so after r steps every rank's queries have met
 * every key. Each step's attention over one block is a {@link PartialAttention} (output and
 * log-sum-exp), and merging them is the softmax over all keys, exactly. Each step moves one k/v
 * block to the next rank; no head count constraint.
 *
 * @param keyMask the attention bias of rank j's key block (its padded positions), or null for none
 */
record RingAttention(ProcessGroup group, Kernels k, IntFunction<Tensor> keyMask) {
    /** q, k, v {@code [B, S, H, Dh]}, this rank's block → {@code [B, S, H, Dh]}, attention over every block. */
    Tensor attention(Tensor q, Tensor keys, Tensor values, float scale) {
        int n = group.size(), rank = group.rank();
        if (n == 1) return k.attention(q, keys, values, keyMask.apply(0), scale);
        int next = (rank + 1) % n, previous = (rank + n - 1) % n;
        PartialAttention merged = null;
        for (int step = 0; step < n; step++) {
            // At step s this rank holds the key/value block of rank (rank - s) mod n.
            PartialAttention part = k.attentionWithLse(q, keys, values, keyMask.apply((rank - step + n) % n), scale);
            merged = merged == null ? part : merged.merge(part);
            if (step + 1 < n) {
                group.send(keys, next);
                group.send(values, next);
                keys = group.recv(previous);
                values = group.recv(previous);
            }
        }
        return merged.out();
    }
}
