package org.jcomfy.nodes.models.parallel;

import java.util.Objects;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.models.SequenceShard;

/**
 * Ring attention: each rank keeps its shard of the tokens and its own queries; the key/value
 * shards travel around the ring, one hop per step, so after n steps every rank's queries have met
 * every key. Each step's attention over one key shard is a {@link PartialAttention} (output and
 * log-sum-exp); merging them is the softmax over all keys, exactly. Unlike Ulysses it needs no
 * head count divisible by the ranks, and each step moves one k/v shard instead of an all-to-all.
 */
public final class RingParallel implements SequenceParallel {
    private final ProcessGroup group;

    /** Ring attention over the ranks of {@code group}, in rank order. */
    public RingParallel(ProcessGroup group) {
        this.group = Objects.requireNonNull(group);
    }

    @Override
    public SequenceShard shard(long tokens, int heads, Kernels kernels) {
        return new Shard(new TokenShards(tokens, group.size(), group.rank()), kernels);
    }

    private final class Shard implements SequenceShard {
        private final TokenShards shards;
        private final Kernels k;

        Shard(TokenShards shards, Kernels k) {
            this.shards = shards;
            this.k = k;
        }

        @Override public Tensor local(Tensor tokens) { return shards.local(k, tokens); }

        @Override public long firstToken() { return shards.first(); }

        @Override
        public Tensor selfAttention(Tensor q, Tensor kk, Tensor v, float scale) {
            int n = group.size(), rank = group.rank();
            int next = (rank + 1) % n, previous = (rank + n - 1) % n;
            long length = shards.length();
            Tensor keys = kk, values = v;
            PartialAttention merged = null;
            for (int step = 0; step < n; step++) {
                // At step s this rank holds the key/value shard of rank (rank - s) mod n.
                long owner = (rank - step + n) % n;
                Tensor mask = shards.keyMask(owner * length, (owner + 1) * length);
                PartialAttention part = k.attentionWithLse(q, keys, values, mask, scale);
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

        @Override public Tensor gather(Tensor local) { return shards.gather(k, group, local); }
    }

    @Override
    public String toString() {
        return "Ring over " + group.size() + " ranks";
    }
}
