package org.jcomfy.backend.parallel;

import java.time.Duration;
import java.util.List;
import org.jcomfy.backend.tensor.Tensor;

/**
 * One rank's view of a group of ranks that compute together (torch.distributed's process group,
 * HCCL's communicator): the collectives a sequence- or guidance-parallel DiT needs, on float32
 * tensors. Every member calls the same operations in the same order; a call returns new tensors
 * that belong to the caller (its current {@link org.jcomfy.backend.tensor.TensorScope}), so a
 * sender may free its input as soon as the call returns.
 *
 * <p>Every blocking call waits at most {@link #timeout()}, then fails with a
 * {@link ProcessGroupException} that names the ranks that did not arrive; a rank that fails makes
 * every other rank's current or next call fail with its name, so no rank hangs on a dead peer.
 * Ranks are numbered {@code 0 .. size()-1} within the group.
 */
public interface ProcessGroup {
    /** This rank's number in the group. */
    int rank();

    /** How many ranks the group has. */
    int size();

    /** How long a blocking call waits for the other ranks. */
    Duration timeout();

    /**
     * Splits the group (MPI's {@code comm_split}), a collective: ranks calling with the same
     * {@code colour} form one new group, ordered by {@code key}, then by rank here. The 2-D USP mesh
     * is two splits: colour {@code rank / ringSize} for the Ulysses groups, {@code rank % ringSize}
     * for the ring groups.
     */
    ProcessGroup split(int colour, int key);

    /**
     * The group of {@code ranks} (ranks of this group, in the new group's order). Only those ranks
     * call it, each with the same list; the others are not involved.
     */
    ProcessGroup subgroup(int... ranks);

    /**
     * Sends {@code parts.get(j)} to rank j and returns what each rank sent here, element j from
     * rank j. Parts may have different shapes.
     */
    List<Tensor> allToAll(List<Tensor> parts);

    /** Every rank's {@code tensor}, element j from rank j. */
    List<Tensor> allGather(Tensor tensor);

    /**
     * The element-wise reduction of every rank's {@code tensor} (all the same shape), in rank
     * order, so every rank gets the same bits.
     */
    Tensor allReduce(Tensor tensor, Reduction reduction);

    /** Root's {@code tensor} on every rank; other ranks' argument is ignored (it may be null). */
    Tensor broadcast(Tensor tensor, int root);

    /**
     * Queues a copy of {@code tensor} for rank {@code to} and returns without waiting for it (so a
     * ring of ranks can all send, then all receive); messages between two ranks arrive in order.
     */
    void send(Tensor tensor, int to);

    /** The next tensor rank {@code from} sent here, waiting for it at most {@link #timeout()}. */
    Tensor recv(int from);

    /** Returns once every rank has called it. */
    void barrier();

    /** How {@link #allReduce} combines. */
    enum Reduction { SUM, MAX }
}
