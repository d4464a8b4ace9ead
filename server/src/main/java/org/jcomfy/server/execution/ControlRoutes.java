package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.jcomfy.server.http.Json;

/** {@code POST /interrupt} (global, or only the named running prompt) and {@code POST /free}. */
final class ControlRoutes {
    private final PromptQueue queue;
    private final InterruptFlag interrupt;

    ControlRoutes(PromptQueue queue, InterruptFlag interrupt) {
        this.queue = queue;
        this.interrupt = interrupt;
    }

    void interrupt(Context ctx) {
        JsonNode body = Json.optionalBody(ctx);
        JsonNode promptId = body == null ? null : body.get("prompt_id");
        if (promptId == null || promptId.isNull()) {
            interrupt.raise();
        } else {
            synchronized (queue) {
                if (queue.isRunning(promptId.asText())) interrupt.raise();
            }
        }
        ctx.result("");
    }

    void free(Context ctx) {
        JsonNode body = Json.optionalBody(ctx);
        boolean unload = body != null && InputCoercion.truthy(body.get("unload_models"));
        boolean freeMemory = body != null && InputCoercion.truthy(body.get("free_memory"));
        if (unload || freeMemory) queue.requestFree(unload, freeMemory);
        ctx.result("");
    }
}
