package org.jcomfy.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/**
 * The one exception mapper. {@link ApiError}s become their own answer; Javalin's HTTP
 * exceptions (no route, body too large) become ComfyUI-shaped answers; anything else is a
 * bug: logged once with its stack trace on the server, answered as a JSON 500 that names the
 * exception but never carries a trace. No request can stop the server.
 */
public final class ErrorResponses {
    private ErrorResponses() {}

    public static void register(RoutesConfig routes, long maxUploadBytes) {
        routes.exception(ApiError.class, (e, ctx) -> write(ctx, e));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 413) write(ctx, UploadLimit.tooLarge(maxUploadBytes, ctx.req().getContentLengthLong()));
            else if (e.getStatus() == 404) write(ctx, notFound(ctx));
            else write(ctx, ApiError.typed(e.getStatus(), "http_error", e.getMessage(), e.getMessage()));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            ApiError mapped = UploadLimit.fromMultipartFailure(e, maxUploadBytes, ctx);
            if (mapped != null) {
                write(ctx, mapped);
                return;
            }
            System.err.println("jcomfy: " + ctx.method() + " " + ctx.path() + " failed:");
            e.printStackTrace();
            String message = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            write(ctx, ApiError.typed(500, "server_error", "Internal server error", message));
        });
        routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) write(ctx, notFound(ctx));
        });
    }

    public static ApiError notFound(Context ctx) {
        return ApiError.notFound("Nothing is served at " + ctx.method() + " " + ctx.path());
    }

    public static void write(Context ctx, ApiError e) {
        ctx.status(e.status());
        if (e.json() != null) {
            Json.send(ctx, e.json());
        } else {
            ctx.contentType("text/plain; charset=utf-8").result(e.text() == null ? "" : e.text());
        }
    }
}
