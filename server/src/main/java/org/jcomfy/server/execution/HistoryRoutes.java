package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** {@code GET /history} (windowed), {@code GET /history/{id}} and {@code POST /history} (clear, delete). */
final class HistoryRoutes {
    private final History history;

    HistoryRoutes(History history) { this.history = history; }

    void getHistory(Context ctx) {
        Integer maxItems;
        int offset;
        try {
            String m = ctx.queryParam("max_items");
            maxItems = m == null ? null : Integer.parseInt(m.strip());
            String o = ctx.queryParam("offset");
            offset = o == null ? -1 : Integer.parseInt(o.strip());
        } catch (NumberFormatException e) {
            Responses.serverError(ctx); // ComfyUI lets int() raise here
            return;
        }
        Responses.json(ctx, 200, history.window(maxItems, offset));
    }

    void getHistoryEntry(Context ctx) {
        String id = ctx.pathParam("prompt_id");
        ObjectNode body = Json.object();
        ObjectNode entry = history.get(id);
        if (entry != null) body.set(id, entry);
        Responses.json(ctx, 200, body);
    }

    void postHistory(Context ctx) {
        JsonNode body = Responses.bodyOrNull(ctx);
        if (body == null || !body.isObject()) {
            Responses.serverError(ctx);
            return;
        }
        if (InputCoercion.truthy(body.get("clear"))) history.clear();
        JsonNode delete = body.get("delete");
        if (delete != null && delete.isArray()) delete.forEach(d -> history.delete(d.asText()));
        Responses.ok(ctx);
    }
}
