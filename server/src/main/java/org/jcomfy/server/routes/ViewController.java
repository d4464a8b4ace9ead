package org.jcomfy.server.routes;

import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.jcomfy.server.files.FileTypes;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.ServerState;

/**
 * {@code GET /view?filename=&type=&subfolder=&preview=&channel=} (PROTOCOL §8.2): a file of the
 * input, output or temp folder, confined to it ({@code ..} or a leading '/' in the name → 400,
 * a subfolder or symlink leaving the folder → 403, nothing there → 404). Raw files support
 * byte ranges; {@code channel} and {@code preview} re-encode images.
 */
public final class ViewController {
    /** Types a browser would run or render: sent as bytes so an uploaded page cannot script the UI. */
    private static final Set<String> FORCED_BINARY = Set.of("text/html", "text/html-sandboxed", "application/xhtml+xml",
            "text/javascript", "application/javascript", "text/css");

    private ViewController() {}

    public static void view(Context ctx) throws IOException {
        String requested = ctx.queryParam("filename");
        if (requested == null) throw ApiError.notFound("filename is required.");
        FileTypes.Annotated annotated = FileTypes.parse(FileNames.require(requested, "filename"));
        String filename = annotated.name();
        if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) {
            throw ApiError.badRequest("invalid_filename", "Invalid filename '" + requested + "'.");
        }
        String type = annotated.type() != null ? annotated.type() : ctx.queryParamMap().containsKey("type") ? ctx.queryParam("type") : "output";
        Path base = FileTypes.directory(ServerState.of(ctx).options(), type);
        if (base == null) throw ApiError.badRequest("invalid_type", "Unknown type '" + type + "'; use input, output or temp.");
        base = base.toAbsolutePath().normalize();
        Path dir = base;
        String subfolder = ctx.queryParam("subfolder");
        if (subfolder != null) {
            FileNames.require(subfolder, "subfolder");
            dir = SafePaths.resolveInside(base, subfolder);
            if (dir == null) throw ApiError.forbidden("The subfolder '" + subfolder + "' is outside the " + type + " folder.");
        }
        String name = Path.of(filename).getFileName().toString(); // directory parts of the name are dropped, as upstream
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) throw ApiError.notFound("No file '" + name + "' in " + type + (subfolder == null ? "" : "/" + subfolder) + ".");
        if (!SafePaths.isInside(base, file)) throw ApiError.forbidden("The file '" + name + "' links outside the " + type + " folder.");

        ctx.header("Content-Disposition", "filename=\"" + name + "\"");
        String channel = ctx.queryParam("channel") == null ? "" : ctx.queryParam("channel");
        if (ctx.queryParam("preview") != null) {
            preview(ctx, file, ctx.queryParam("preview"), channel);
        } else if (channel.equals("rgb")) {
            ctx.contentType("image/png").result(ImageFiles.png(ImageFiles.toRgb(ImageFiles.read(file))));
        } else if (channel.equals("a")) {
            ctx.contentType("image/png").result(ImageFiles.png(alphaOnly(ImageFiles.read(file))));
        } else {
            String contentType = ContentTypes.of(name);
            String bare = contentType.split(";")[0].strip();
            if (FORCED_BINARY.contains(bare)) contentType = "application/octet-stream";
            FileResponses.send(ctx, file, contentType);
        }
    }

    /**
     * {@code preview=<format>[;quality]}: JPEG when asked for {@code jpeg} (RGB, quality default 90).
     * ComfyUI answers WebP otherwise; the JDK has no WebP encoder, so jcomfy answers a PNG there
     * (lossless, alpha kept), with the matching Content-Type.
     */
    private static void preview(Context ctx, Path file, String preview, String channel) throws IOException {
        String[] parts = preview.split(";");
        int quality = quality(parts.length == 0 ? "" : parts[parts.length - 1]);
        BufferedImage img = ImageFiles.read(file);
        if (parts.length > 0 && parts[0].equals("jpeg") && !channel.contains("a")) {
            ctx.contentType("image/jpeg").result(ImageFiles.jpeg(img, quality));
        } else {
            BufferedImage out = channel.equals("rgb") ? ImageFiles.toRgb(img) : img;
            ctx.contentType("image/png").result(ImageFiles.png(out));
        }
    }

    /**
     * Upstream takes the last {@code ;} part as the quality when it is all digits and 90 otherwise;
     * digits beyond 100 are no quality an encoder knows, so they are a 400 rather than a failed encode.
     */
    private static int quality(String last) {
        if (last.isEmpty() || !last.chars().allMatch(c -> c >= '0' && c <= '9')) return 90;
        if (last.length() > 3 || Integer.parseInt(last) > 100) {
            throw ApiError.badRequest("invalid_preview", "The preview quality must be 0 to 100, not " + last + ".");
        }
        return Integer.parseInt(last);
    }

    /** RGB zero, alpha = the source's alpha (opaque when it has none). */
    static BufferedImage alphaOnly(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        boolean hasAlpha = src.getColorModel().hasAlpha();
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int a = hasAlpha ? src.getRGB(x, y) >>> 24 : 255;
                out.setRGB(x, y, a << 24);
            }
        }
        return out;
    }
}
