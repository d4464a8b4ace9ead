/**
 * Ranks that compute together: {@link org.jcomfy.backend.parallel.ProcessGroup} is the contract
 * (collectives on float32 tensors, each with a timeout that names the missing rank), the one an
 * Ascend device's HCCL communicator and a Netty transport between JVMs are to implement too.
 * {@link org.jcomfy.backend.parallel.LocalProcessGroup} runs the ranks as threads of this JVM;
 * {@link org.jcomfy.backend.parallel.netty.NettyProcessGroup} runs them in other JVMs or hosts. The
 * tests' {@code ProcessGroupContract} states the behaviour once and runs it on both.
 */
package org.jcomfy.backend.parallel;
