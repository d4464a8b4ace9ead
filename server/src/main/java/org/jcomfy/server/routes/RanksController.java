package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.models.parallel.ParallelPlan;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * {@code GET /api/jcomfy/ranks}: the ranks a ParallelPlan node can run on, by source. Only the
 * in-process source exists yet: up to {@link ParallelPlan#MAX_LOCAL_RANKS} ranks, each a thread
 * of this JVM on the server's device, started per model call (so none is "connected" between
 * prompts, and the list is what a plan may ask for, not what runs now).
 */
public final class RanksController {
    private RanksController() {}

    public static void ranks(Context ctx) {
        Json.send(ctx, body(ServerState.of(ctx).runtime().environment().device()));
    }

    /** The route's answer, also carried by {@code /system_stats} as {@code jcomfy_ranks}. */
    static ObjectNode body(Device device) {
        ObjectNode body = Json.object();
        body.put("max_world", ParallelPlan.MAX_LOCAL_RANKS);
        ObjectNode local = body.putObject("sources").putObject(ParallelPlan.LOCAL);
        local.put("kind", "in-process");
        local.put("description", "threads of this JVM sharing its device and weights, started for each model call");
        local.put("max_ranks", ParallelPlan.MAX_LOCAL_RANKS);
        ArrayNode ranks = body.putArray("ranks");
        for (int r = 0; r < ParallelPlan.MAX_LOCAL_RANKS; r++) {
            ObjectNode rank = ranks.addObject();
            rank.put("rank", r);
            rank.put("source", ParallelPlan.LOCAL);
            rank.put("device", device.id().toString());
            rank.put("device_name", device.description());
        }
        return body;
    }
}
