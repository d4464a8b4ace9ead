package org.jcomfy.backend.parallel.netty;

import java.time.Duration;
import java.util.List;
import org.jcomfy.backend.parallel.LocalProcessGroup.RankTask;
import org.jcomfy.backend.parallel.ProcessGroupContract;

/** The process-group contract for Netty ranks: threads of this JVM, but every byte crosses a loopback TCP connection. */
class NettyProcessGroupContractTest extends ProcessGroupContract {
    @Override
    protected <T> List<T> run(int worldSize, Duration timeout, RankTask<T> task) {
        return NettyRanks.run(worldSize, MeshOptions.DEFAULTS.withJoinTimeout(Duration.ofSeconds(10)).withTimeout(timeout), task);
    }
}
