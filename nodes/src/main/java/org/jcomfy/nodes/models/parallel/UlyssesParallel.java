package org.jcomfy.nodes.models.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.models.SequenceShard;

/**
 * Ulysses sequence parallelism (DeepSpeed-Ulysses, as xDiT and MindIE SD run Wan): each rank holds
 * a contiguous shard of the tokens through the whole block, and self-attention trades shards for
 * heads. An all-to-all turns q, k and v from {@code [B, L/n, H, Dh]} (this rank's tokens, every
 * head) into {@code [B, L, H/n, Dh]} (every token, this rank's heads); attention over the whole
 * sequence runs on those heads, and a second all-to-all turns the result back. Attention heads are
 * independent, so this is exactly the one-rank attention; everything else in a block (norms,
 * cross-attention, the FFN) works row by row and stays local. Needs the head count divisible by
 * the ranks.
 */
public final class UlyssesParallel implements SequenceParallel {
    private final ProcessGroup group;

    /** Ulysses over the ranks of {@code group} (its size is the Ulysses degree). */
    public UlyssesParallel(ProcessGroup group) {
        this.group = Objects.requireNonNull(group);
    }

    /** Refuses a model whose {@code heads} cannot be dealt out evenly over {@code ranks}. */
    public static void checkHeads(int heads, int ranks) {
        if (heads % ranks != 0) {
            throw new IllegalArgumentException("Ulysses over " + ranks + " ranks needs a head count divisible by " + ranks
                    + "; this model has " + heads + " heads (choose a ulysses_size that divides " + heads + ")");
        }
    }

    @Override
    public SequenceShard shard(long tokens, int heads, Kernels kernels) {
        checkHeads(heads, group.size());
        return new Shard(new TokenShards(tokens, group.size(), group.rank()), kernels);
    }

    private final class Shard implements SequenceShard {
        private final TokenShards shards;
        private final Kernels k;
        private final Tensor keyMask;

        Shard(TokenShards shards, Kernels k) {
            this.shards = shards;
            this.k = k;
            this.keyMask = shards.keyMask(0, shards.padded());
        }

        @Override public Tensor local(Tensor tokens) { return shards.local(k, tokens); }

        @Override public long firstToken() { return shards.first(); }

        @Override
        public Tensor selfAttention(Tensor q, Tensor kk, Tensor v, float scale) {
            Tensor attn = k.attention(toHeadShard(q), toHeadShard(kk), toHeadShard(v), keyMask, scale);
            return toSequenceShard(attn);
        }

        @Override public Tensor gather(Tensor local) { return shards.gather(k, group, local); }

        /** {@code [B, Ls, H, Dh]} → {@code [B, L, H/n, Dh]}: head group j goes to rank j, shards join in rank order. */
        private Tensor toHeadShard(Tensor x) {
            long perRank = x.dim(2) / group.size();
            List<Tensor> parts = new ArrayList<>(group.size());
            for (int j = 0; j < group.size(); j++) parts.add(k.slice(x, 2, j * perRank, (j + 1) * perRank));
            return k.concat(group.allToAll(parts), 1);
        }

        /** {@code [B, L, H/n, Dh]} → {@code [B, Ls, H, Dh]}: shard j goes to rank j, head groups join in rank order. */
        private Tensor toSequenceShard(Tensor x) {
            long length = shards.length();
            List<Tensor> parts = new ArrayList<>(group.size());
            for (int j = 0; j < group.size(); j++) parts.add(k.slice(x, 1, j * length, (j + 1) * length));
            return k.concat(group.allToAll(parts), 2);
        }
    }

    @Override
    public String toString() {
        return "Ulysses over " + group.size() + " ranks";
    }
}
