package org.jcomfy.backend.parallel;

import java.time.Duration;
import java.util.List;
import org.jcomfy.backend.parallel.LocalProcessGroup.RankTask;

/** The process-group contract for ranks that are threads of this JVM. */
class LocalProcessGroupTest extends ProcessGroupContract {
    @Override
    protected <T> List<T> run(int worldSize, Duration timeout, RankTask<T> task) {
        return LocalProcessGroup.run(worldSize, timeout, task);
    }
}
