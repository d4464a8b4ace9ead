package org.jcomfy.nodes.models.parallel;

import java.util.Objects;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.models.SequenceShard;

/**
 * Sequence parallelism for a DiT: Ulysses, Ring, or both as a 2-D mesh (USP, xDiT's Unified
 * Sequence Parallelism) of {@code u · r} ranks. Each rank holds one contiguous shard of the tokens
 * through the whole block; only self-attention needs the others. Under Ulysses ({@link HeadExchange})
 * a group of u ranks trades its u shards for H/u heads each; under Ring ({@link RingAttention}) r
 * such stretches of tokens meet by rotating keys and values. World rank {@code ring·u + ulysses}
 * holds shard number {@code ring·u + ulysses}, so a Ulysses group's shards are one contiguous
 * stretch, and ring rank j's block is stretch j.
 */
public final class UspParallel implements SequenceParallel {
    private final ProcessGroup ulysses;
    private final ProcessGroup ring;

    private UspParallel(ProcessGroup ulysses, ProcessGroup ring) {
        this.ulysses = Objects.requireNonNull(ulysses);
        this.ring = Objects.requireNonNull(ring);
    }

    /** Ulysses over every rank of {@code group}. */
    public static UspParallel ulysses(ProcessGroup group) {
        return new UspParallel(group, group.subgroup(group.rank()));
    }

    /** Ring attention over every rank of {@code group}, in rank order. */
    public static UspParallel ring(ProcessGroup group) {
        return new UspParallel(group.subgroup(group.rank()), group);
    }

    /**
     * The {@code ulyssesSize × (size / ulyssesSize)} mesh on {@code world}, a collective: Ulysses
     * groups of consecutive ranks, ring groups of ranks {@code ulyssesSize} apart.
     */
    public static UspParallel mesh(ProcessGroup world, int ulyssesSize) {
        if (ulyssesSize < 1 || world.size() % ulyssesSize != 0) {
            throw new IllegalArgumentException("a world of " + world.size() + " ranks has no ulysses_size " + ulyssesSize
                    + " mesh (ulysses_size must divide the rank count)");
        }
        int r = world.rank();
        ProcessGroup ulysses = world.split(r / ulyssesSize, r);
        ProcessGroup ring = world.split(r % ulyssesSize, r);
        return new UspParallel(ulysses, ring);
    }

    @Override
    public SequenceShard shard(long tokens, int heads, Kernels kernels) {
        HeadExchange.checkHeads(heads, ulysses.size());
        int u = ulysses.size();
        TokenShards shards = new TokenShards(tokens, u * ring.size(), ring.rank() * u + ulysses.rank());
        long stretch = u * shards.length();
        HeadExchange exchange = new HeadExchange(ulysses, kernels);
        RingAttention rotation = new RingAttention(ring, kernels, j -> shards.keyMask(j * stretch, (j + 1) * stretch));
        return new SequenceShard() {
            @Override public Tensor local(Tensor all) { return shards.local(kernels, all); }

            @Override public long firstToken() { return shards.first(); }

            @Override
            public Tensor selfAttention(Tensor q, Tensor k, Tensor v, float scale) {
                Tensor attn = rotation.attention(exchange.toHeadShard(q), exchange.toHeadShard(k), exchange.toHeadShard(v), scale);
                return exchange.toSequenceShard(attn);
            }

            /** The Ulysses group's shards make its stretch; the ring's stretches, in ring order, the sequence. */
            @Override
            public Tensor gather(Tensor local) {
                return shards.withoutPadding(kernels, joined(ring, kernels, joined(ulysses, kernels, local)));
            }
        };
    }

    /** Every rank's {@code x} of {@code group}, joined along the sequence in rank order. */
    private static Tensor joined(ProcessGroup group, Kernels k, Tensor x) {
        return group.size() == 1 ? x : k.concat(group.allGather(x), 1);
    }

    @Override
    public String toString() {
        return "USP ulysses " + ulysses.size() + " x ring " + ring.size();
    }
}
