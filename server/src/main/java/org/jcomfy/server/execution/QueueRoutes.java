package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.Set;
import org.jcomfy.server.http.Json;

/** {@code GET /queue} (running and pending 5-tuples) and {@code POST /queue} ({@code clear}, {@code delete}). */
final class QueueRoutes {
    private final PromptQueue queue;

    QueueRoutes(PromptQueue queue) { this.queue = queue; }

    void getQueue(Context ctx) {
        ObjectNode body = Json.object();
        ArrayNode running = body.putArray("queue_running");
        QueueItem r = queue.running();
        if (r != null) running.add(r.tuple());
        ArrayNode pending = body.putArray("queue_pending");
        for (QueueItem p : queue.pending()) pending.add(p.tuple());
        Json.send(ctx, body);
    }

    void postQueue(Context ctx) {
        ObjectNode body = Json.objectBody(ctx);
        if (InputCoercion.truthy(body.get("clear"))) queue.wipe();
        JsonNode delete = body.get("delete");
        if (delete != null && delete.isArray()) {
            Set<String> ids = new HashSet<>();
            delete.forEach(d -> ids.add(d.asText()));
            queue.delete(item -> ids.contains(item.promptId()));
        }
        ctx.result("");
    }
}
