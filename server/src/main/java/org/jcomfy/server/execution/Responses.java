package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

/** Small helpers for answering in ComfyUI's ways. */
final class Responses {
    private Responses() {}

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.toString());
    }

    /** An empty 200, as aiohttp's {@code web.Response(status=200)}. */
    static void ok(Context ctx) { ctx.status(200).result(""); }

    /** What aiohttp answers when a handler raises (a body that is not JSON, for instance). */
    static void serverError(Context ctx) {
        ctx.status(500).contentType("text/plain; charset=utf-8").result("500 Internal Server Error\n\nServer got itself in trouble");
    }

    /** The body parsed as JSON, or null when it is empty or not JSON (clients often omit Content-Type). */
    static JsonNode bodyOrNull(Context ctx) {
        try {
            String body = ctx.body();
            return body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
