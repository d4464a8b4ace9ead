/**
 * Sequence parallelism for a DiT: {@link org.jcomfy.nodes.models.parallel.UspParallel} (Ulysses,
 * Ring, or the two as a 2-D mesh) implements {@link org.jcomfy.nodes.models.SequenceParallel} on
 * a {@link org.jcomfy.backend.parallel.ProcessGroup}. {@code TokenShards} cuts (and pads) the
 * sequence, {@code HeadExchange} is Ulysses' pair of all-to-alls, {@code RingAttention} the
 * rotation of keys and values with log-sum-exp merging. The model's forward only asks its
 * {@link org.jcomfy.nodes.models.SequenceShard} at four places (after the patch embedding, RoPE,
 * self-attention, before the head); nothing here knows Wan.
 *
 * <p>{@link org.jcomfy.nodes.models.parallel.ParallelPlan} is the MODEL option a ParallelPlan
 * node sets, and {@link org.jcomfy.nodes.models.parallel.InProcessRanks} runs a sampler's model
 * calls under it on in-process ranks (threads of this JVM): the USP mesh per rank, and with CFG
 * parallel a step's cond and uncond branches on two rank groups at once;
 * {@link org.jcomfy.nodes.models.parallel.RankForward} is what one rank computes.
 */
package org.jcomfy.nodes.models.parallel;
