package org.jcomfy.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * {@code --max-upload-size}: a request whose body is larger gets a 413 with ComfyUI's (aiohttp's)
 * message. Checked from {@code Content-Length} before any handler reads the body; bodies of
 * unknown length are caught when Javalin or the multipart parser reads past the limit.
 */
public final class UploadLimit {
    private static final Pattern TOO_LARGE = Pattern.compile("exceeds max|too large|Request exceeds|max length exceeded");

    /**
     * How much of a refused body is read and dropped before answering. A client still sending when
     * the server closes the connection gets a reset instead of the 413; a body this much over the
     * limit is cheap to drain, anything larger is cut off (as aiohttp does).
     */
    public static final long DRAIN_BYTES = 16L << 20;

    private UploadLimit() {}

    public static void check(Context ctx, long maxBytes) {
        if (ctx.req().getContentLengthLong() > maxBytes) throw tooLarge(ctx, maxBytes);
    }

    /**
     * A multipart body of unknown length (chunked) is parsed with a limit {@link #DRAIN_BYTES} above
     * ours, so that one a little over the limit is read to its end and its 413 is sent on a
     * connection that stays open. Cut off by the parser mid-body, the connection would have to
     * close with the client still sending, and the client could see a reset instead of the 413.
     */
    public static void checkParts(Context ctx, long maxBytes) {
        if (ctx.req().getContentLengthLong() >= 0) return; // checked before the handler ran
        // Javalin parses the multipart body here (with the container's multipart limits).
        long total = 0;
        for (var files : ctx.uploadedFileMap().values()) for (var file : files) total += file.size();
        for (var entry : ctx.formParamMap().entrySet()) for (String v : entry.getValue()) total += entry.getKey().length() + v.length();
        if (total > maxBytes) throw tooLarge(ctx, maxBytes);
    }

    /** The 413 for this request, after draining what is left of its body (or marking the connection to close). */
    public static ApiError tooLarge(Context ctx, long maxBytes) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxBytes + DRAIN_BYTES || !drained(ctx)) ctx.header("Connection", "close");
        String message = "Maximum request body size " + maxBytes + " exceeded, actual body size " + (length >= 0 ? length : "unknown");
        return ApiError.typed(413, "request_too_large", message, message);
    }

    /** True when the body was read to its end within {@link #DRAIN_BYTES}. */
    private static boolean drained(Context ctx) {
        byte[] buffer = new byte[64 << 10];
        long total = 0;
        try {
            InputStream in = ctx.req().getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > DRAIN_BYTES) return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // the stream is unusable (a failed multipart read): the connection must close
        }
    }

    /**
     * Jetty's multipart parser reports a body over its limits as an IllegalStateException somewhere in
     * the cause chain (for a Content-Length part "... exceeds max ...", for a chunked body "max length
     * exceeded: N"), with no type of its own to catch; that is a 413 too.
     */
    static ApiError fromMultipartFailure(Exception e, long maxBytes, Context ctx) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && TOO_LARGE.matcher(m).find()) return tooLarge(ctx, maxBytes);
        }
        return null;
    }
}
