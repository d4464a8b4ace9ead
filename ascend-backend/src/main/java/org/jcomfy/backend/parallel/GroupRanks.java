package org.jcomfy.backend.parallel;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The rank bookkeeping every {@link ProcessGroup} implementation shares: which ranks a split or a
 * subgroup holds and in what order, how they map back to world ranks, and what a collective
 * accepts. The transports differ (threads, Netty, HCCL); these rules must not.
 */
public final class GroupRanks {
    private GroupRanks() {}

    /**
     * The ranks of a {@link ProcessGroup#split}: those whose {@code (colour, key)} pair (element j
     * from rank j) has {@code colour}, ordered by key, then by rank.
     */
    public static int[] splitMembers(int[][] colourAndKey, int colour) {
        return IntStream.range(0, colourAndKey.length).filter(j -> colourAndKey[j][0] == colour)
                .boxed().sorted(Comparator.<Integer>comparingInt(j -> colourAndKey[j][1]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Refuses a {@link ProcessGroup#subgroup} list that is empty, repeats a rank, leaves the group or lacks the caller. */
    public static void checkSubgroup(int[] ranks, int size, int rank) {
        if (ranks.length == 0 || IntStream.of(ranks).distinct().count() != ranks.length
                || IntStream.of(ranks).anyMatch(r -> r < 0 || r >= size)) {
            throw new IllegalArgumentException("a subgroup needs distinct ranks of 0.." + (size - 1) + ", got " + Arrays.toString(ranks));
        }
        if (IntStream.of(ranks).noneMatch(r -> r == rank)) {
            throw new IllegalArgumentException("rank " + rank + " is not in the subgroup " + Arrays.toString(ranks) + " it asked for");
        }
    }

    /** The world ranks of {@code groupRanks}, ranks of a group whose members (world ranks) are {@code members}. */
    public static int[] worldRanks(int[] members, int[] groupRanks) {
        return IntStream.of(groupRanks).map(j -> members[j]).toArray();
    }

    /** Where {@code rank} stands in {@code groupRanks}. */
    public static int position(int[] groupRanks, int rank) {
        return IntStream.range(0, groupRanks.length).filter(j -> groupRanks[j] == rank).findFirst().orElseThrow();
    }

    /** Collectives move float32 tensors only. */
    public static void requireF32(Tensor t) {
        if (t == null || t.dtype() != DType.F32) {
            throw new IllegalArgumentException("collectives take float32 tensors, got " + (t == null ? "null" : t));
        }
    }
}
