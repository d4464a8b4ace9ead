package org.jcomfy.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception mapper of the routes. {@link ApiError}s become their own answer; what the
 * container throws for a client's bad request (no route, a body too large, multipart it cannot
 * parse, a path the file system refuses) becomes a 4xx in ComfyUI's JSON shape, its trace logged
 * at debug; anything else is a bug: logged once with its stack trace, answered as a JSON 500 that
 * names the exception but never carries a trace. No request can stop the server. Requests Jetty
 * refuses before routing are answered by {@link JettyErrors}.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    public static void register(RoutesConfig routes, long maxUploadBytes) {
        routes.exception(ApiError.class, (e, ctx) -> {
            LOG.debug("jcomfy: {} {} -> {} {}", ctx.method(), ctx.path(), e.status(), e.getMessage());
            write(ctx, e);
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 413) write(ctx, UploadLimit.tooLarge(ctx, maxUploadBytes));
            else if (e.getStatus() == 404) write(ctx, notFound(ctx));
            else write(ctx, ApiError.typed(e.getStatus(), "http_error", e.getMessage(), e.getMessage()));
        });
        routes.exception(Exception.class, (e, ctx) -> {
            ApiError mapped = clientError(e, maxUploadBytes, ctx);
            if (mapped != null) {
                LOG.debug("jcomfy: {} {} -> {} {}", ctx.method(), ctx.path(), mapped.status(), mapped.getMessage(), e);
                // The body could not be read to its end, so the connection cannot carry another request.
                if (mapped.status() != 413) ctx.header("Connection", "close");
                write(ctx, mapped);
                return;
            }
            LOG.error("jcomfy: {} {} failed", ctx.method(), ctx.path(), e);
            String message = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            write(ctx, ApiError.typed(500, "server_error", "Internal server error", message));
        });
        routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) write(ctx, notFound(ctx));
        });
    }

    /**
     * The answer for an exception the client caused, found anywhere in its cause chain, or null
     * for a bug. Jetty's HTTP exceptions (bad multipart, a body cut short) carry their own status.
     */
    static ApiError clientError(Exception e, long maxUploadBytes, Context ctx) {
        ApiError tooLarge = UploadLimit.fromMultipartFailure(e, maxUploadBytes, ctx);
        if (tooLarge != null) return tooLarge;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                String reason = h.getReason() != null ? h.getReason() : HttpStatus.getMessage(h.getCode());
                return ApiError.typed(h.getCode(), "invalid_request", "The request could not be read: " + reason, reason);
            }
            if (t instanceof EofException) {
                return ApiError.typed(400, "invalid_request", "The request body ended early", String.valueOf(t.getMessage()));
            }
            if (t instanceof InvalidPathException p) {
                return ApiError.badRequest("invalid_path", "The path '" + p.getInput().replace("\0", "\\0")
                        + "' is not a valid file name: " + p.getReason());
            }
        }
        return null;
    }

    public static ApiError notFound(Context ctx) {
        return ApiError.notFound("Nothing is served at " + ctx.method() + " " + ctx.path());
    }

    public static void write(Context ctx, ApiError e) {
        ctx.status(e.status());
        if (isUpgrade(ctx)) {
            writeNow(ctx, e);
        } else if (e.json() != null) {
            Json.send(ctx, e.json());
        } else {
            ctx.contentType("text/plain; charset=utf-8").result(e.text() == null ? "" : e.text());
        }
    }

    private static boolean isUpgrade(Context ctx) {
        return "websocket".equalsIgnoreCase(ctx.header("Upgrade"));
    }

    /** A refused WebSocket upgrade: Javalin sends only the status of those, so the body is written here. */
    private static void writeNow(Context ctx, ApiError e) {
        byte[] body = e.json() != null ? e.json().toString().getBytes(StandardCharsets.UTF_8)
                : (e.text() == null ? "" : e.text()).getBytes(StandardCharsets.UTF_8);
        ctx.res().setContentType(e.json() != null ? "application/json; charset=utf-8" : "text/plain; charset=utf-8");
        ctx.res().setContentLength(body.length);
        try {
            ctx.res().getOutputStream().write(body);
        } catch (IOException io) {
            LOG.debug("jcomfy: could not answer a refused upgrade of {}", ctx.path(), io);
        }
    }
}
