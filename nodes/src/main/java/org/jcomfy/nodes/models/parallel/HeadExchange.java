package org.jcomfy.nodes.models.parallel;

import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Ulysses' two all-to-alls over a group of u ranks: from sequence shards to head shards before
 * attention, and back after. Attention heads are independent, so attention on a head shard over
 * the group's whole stretch of tokens is exactly those heads of the one-rank attention.
 */
record HeadExchange(ProcessGroup group, Kernels k) {
    /** Refuses a model whose {@code heads} cannot be dealt out evenly over {@code ranks}. */
    static void checkHeads(int heads, int ranks) {
        if (heads % ranks != 0) {
            throw new IllegalArgumentException("Ulysses over " + ranks + " ranks needs a head count divisible by " + ranks
                    + "; this model has " + heads + " heads (choose a ulysses_size that divides " + heads + ")");
        }
    }

    /** {@code [B, Ls, H, Dh]} → {@code [B, u·Ls, H/u, Dh]}: head group j goes to rank j, the shards join in rank order. */
    Tensor toHeadShard(Tensor x) {
        if (group.size() == 1) return x;
        long perRank = x.dim(2) / group.size();
        List<Tensor> parts = new ArrayList<>(group.size());
        for (int j = 0; j < group.size(); j++) parts.add(k.slice(x, 2, j * perRank, (j + 1) * perRank));
        return k.concat(group.allToAll(parts), 1);
    }

    /** {@code [B, u·Ls, H/u, Dh]} → {@code [B, Ls, H, Dh]}: shard j goes to rank j, the head groups join in rank order. */
    Tensor toSequenceShard(Tensor x) {
        if (group.size() == 1) return x;
        long length = x.dim(1) / group.size();
        List<Tensor> parts = new ArrayList<>(group.size());
        for (int j = 0; j < group.size(); j++) parts.add(k.slice(x, 1, j * length, (j + 1) * length));
        return k.concat(group.allToAll(parts), 2);
    }
}
