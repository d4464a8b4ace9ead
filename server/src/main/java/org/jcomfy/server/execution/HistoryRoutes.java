package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;

/** {@code GET /history} (windowed), {@code GET /history/{id}} and {@code POST /history} (clear, delete). */
final class HistoryRoutes {
    private final History history;

    HistoryRoutes(History history) { this.history = history; }

    void getHistory(Context ctx) {
        String m = ctx.queryParam("max_items");
        Integer maxItems = m == null ? null : integerParam("max_items", m);
        String o = ctx.queryParam("offset");
        int offset = o == null ? -1 : integerParam("offset", o);
        Json.send(ctx, history.window(maxItems, offset));
    }

    void getHistoryEntry(Context ctx) {
        String id = ctx.pathParam("prompt_id");
        ObjectNode body = Json.object();
        ObjectNode entry = history.get(id);
        if (entry != null) body.set(id, entry);
        Json.send(ctx, body);
    }

    void postHistory(Context ctx) {
        ObjectNode body = Json.objectBody(ctx);
        if (InputCoercion.truthy(body.get("clear"))) history.clear();
        JsonNode delete = body.get("delete");
        if (delete != null && delete.isArray()) delete.forEach(d -> history.delete(d.asText()));
        ctx.result("");
    }

    /** ComfyUI lets {@code int()} raise here (a 500 page); a client's non-number is a 400. */
    private static int integerParam(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_query", name + " must be an integer, got '" + value + "'");
        }
    }
}
