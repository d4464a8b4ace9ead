package org.jcomfy.server.http;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;

/**
 * ComfyUI's cache-control middleware (PROTOCOL §1.1), run after every handler: scripts, styles
 * and {@code index*.json} are never cached; images are cached a day (an hour for a 404). A header
 * the handler set itself is kept.
 */
public final class CacheControl {
    private static final Set<String> IMAGE_EXTENSIONS =
            Set.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    private CacheControl() {}

    public static void apply(Context ctx) {
        if (ctx.res().getHeader("Cache-Control") != null) return;
        String value = headerFor(ctx.path(), ctx.statusCode());
        if (value != null) ctx.header("Cache-Control", value);
    }

    /** The header upstream would set for this path and status, or null. */
    static String headerFor(String path, int status) {
        String lower = path.toLowerCase(Locale.ROOT);
        String last = lower.substring(lower.lastIndexOf('/') + 1);
        if (lower.endsWith(".js") || lower.endsWith(".css") || (last.startsWith("index") && last.endsWith(".json"))) {
            return "no-store";
        }
        int dot = last.lastIndexOf('.');
        if (dot >= 0 && IMAGE_EXTENSIONS.contains(last.substring(dot))) {
            if ((status >= 200 && status < 300) || status == 301 || status == 308) return "public, max-age=86400";
            if (status == 404) return "public, max-age=3600";
            if (status == 302 || status == 303 || status == 307) return "no-cache";
        }
        return null;
    }
}
