package org.jcomfy.server.routes;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.ErrorResponses;
import org.jcomfy.server.http.ServerState;

/**
 * The frontend: static files of {@code --front-end-root} ({@code /} answers its
 * {@code index.html}, never cached; no directory listings; nothing outside the root). Without a
 * root, {@code /} answers a short page that says how to get the official frontend.
 */
public final class FrontendController {
    static final String NO_FRONTEND_PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>jcomfy</title>
            <style>body{font-family:sans-serif;max-width:46em;margin:3em auto;line-height:1.5}code,pre{background:#eee;padding:.1em .3em}</style>
            </head><body>
            <h1>jcomfy is running</h1>
            <p>This is a ComfyUI-compatible server. Its API is live (for example
            <a href="/api/object_info">/api/object_info</a> and <a href="/api/system_stats">/api/system_stats</a>),
            but no frontend was given, so there is no editor to show here.</p>
            <p>To use the official ComfyUI frontend, download its Python wheel (it is plain JavaScript inside) and unpack its
            <code>static</code> folder:</p>
            <pre>pip download --no-deps comfyui-frontend-package
            unzip comfyui_frontend_package-*.whl 'comfyui_frontend_package/static/*' -d comfy-frontend
            ./jcomfy serve --front-end-root comfy-frontend/comfyui_frontend_package/static</pre>
            <p>then open this page again. Any ComfyUI API client also works against this server without a frontend.</p>
            </body></html>
            """;

    private FrontendController() {}

    public static void index(Context ctx) throws IOException {
        Path root = ServerState.of(ctx).options().frontEndRoot();
        ctx.header("Cache-Control", "no-store, must-revalidate").header("Pragma", "no-cache").header("Expires", "0");
        if (root == null) {
            ctx.contentType("text/html; charset=utf-8").result(NO_FRONTEND_PAGE);
            return;
        }
        Path index = root.resolve("index.html");
        if (!Files.isRegularFile(index)) throw ApiError.notFound("The frontend root " + root + " has no index.html.");
        ctx.contentType("text/html; charset=utf-8").result(Files.readAllBytes(index));
    }

    /** A file under the frontend root; 404 for anything else (missing, a directory, outside the root, or no root). */
    public static void staticFile(Context ctx) throws IOException {
        Path root = ServerState.of(ctx).options().frontEndRoot();
        if (root == null) throw ErrorResponses.notFound(ctx);
        String rel = ctx.pathParam("path");
        Path file = rel.contains("\\") ? null : SafePaths.resolveInside(root, rel);
        if (file == null || !Files.isRegularFile(file)) throw ErrorResponses.notFound(ctx);
        FileResponses.send(ctx, file, ContentTypes.of(file.getFileName().toString()));
    }
}
