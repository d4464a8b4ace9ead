package org.jcomfy.server.http;

import io.javalin.http.Context;

/**
 * {@code --max-upload-size}: a request whose body is larger gets ComfyUI's (aiohttp's) 413
 * answer. Checked from {@code Content-Length} before any handler reads the body; bodies of
 * unknown length are caught when Javalin or the multipart parser reads past the limit.
 */
public final class UploadLimit {
    private UploadLimit() {}

    public static void check(Context ctx, long maxBytes) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxBytes) throw tooLarge(maxBytes, length);
    }

    public static ApiError tooLarge(long maxBytes, long actual) {
        return ApiError.text(413, "Maximum request body size " + maxBytes + " exceeded, actual body size "
                + (actual >= 0 ? actual : "unknown"));
    }

    /** Jetty's multipart parser reports an oversize part as an IllegalStateException; that is a 413 too. */
    static ApiError fromMultipartFailure(Exception e, long maxBytes, Context ctx) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("exceeds max") || m.contains("too large") || m.contains("Request exceeds"))) {
                return tooLarge(maxBytes, ctx.req().getContentLengthLong());
            }
        }
        return null;
    }
}
