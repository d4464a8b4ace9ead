package org.jcomfy.nodes.acceleration;

import java.util.Map;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.ModelCall;

/**
 * A DiT cache: for each model call, the block loop to run. Its state across steps lives in the
 * call's {@link org.jcomfy.nodes.models.DenoisingRun} (one per guidance branch), never in the
 * policy, so a MODEL carrying a policy can be shared by prompts running one after another.
 */
@FunctionalInterface
public interface CachePolicy {
    /** No cache: every call computes every block. */
    CachePolicy NONE = call -> BlockLoop.EVERY_BLOCK;

    BlockLoop blockLoop(ModelCall call);

    /**
     * What the policy did in {@code run}, per guidance branch, for the {@code jcomfy.cache_report}
     * event and the log; null when it did nothing.
     */
    default Map<String, Object> report(DenoisingRun run) { return null; }
}
