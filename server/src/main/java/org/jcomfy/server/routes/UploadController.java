package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import org.jcomfy.server.files.FileTypes;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.server.FeatureFlags;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.UploadLimit;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * {@code POST /upload/image} and {@code /upload/mask} (PROTOCOL §8.3-8.4), multipart. The file
 * lands in {@code <type dir>/<subfolder>/<name>}, confined to the type's folder (400 otherwise).
 * Without {@code overwrite}, an existing name is reused when its content is identical (sha256)
 * and otherwise the upload becomes {@code name (1).ext}, {@code name (2).ext}, ... as in ComfyUI.
 * A mask upload writes the original image with its alpha replaced by the mask's alpha.
 */
public final class UploadController {
    private UploadController() {}

    public static void image(Context ctx) throws IOException {
        upload(ctx, null);
    }

    public static void mask(Context ctx) throws IOException {
        String ref = ctx.formParam("original_ref");
        if (ref == null) throw ApiError.badRequest("invalid_request", "original_ref is required for a mask upload.");
        JsonNode original;
        try {
            original = Json.MAPPER.readTree(ref);
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_json", "original_ref is not valid JSON.");
        }
        if (!original.isObject()) throw ApiError.badRequest("invalid_json", "original_ref must be a JSON object.");
        Path originalFile = originalImage(ctx, original);
        upload(ctx, originalFile);
    }

    private static void upload(Context ctx, Path maskOriginal) throws IOException {
        UploadLimit.checkParts(ctx, FeatureFlags.maxUploadBytes(ServerState.of(ctx).options()));
        UploadedFile image = ctx.uploadedFile("image");
        if (image == null) throw ApiError.badRequest("invalid_request", "The multipart field 'image' (a file) is missing.");
        String filename = image.filename();
        if (filename == null || filename.isEmpty()) throw ApiError.badRequest("invalid_request", "The uploaded file has no name.");
        FileNames.require(filename, "uploaded file name");
        String type = ctx.formParam("type") == null || ctx.formParam("type").isEmpty() ? "input" : ctx.formParam("type");
        Path base = FileTypes.directory(ServerState.of(ctx).options(), type);
        if (base == null) throw ApiError.badRequest("invalid_type", "Unknown type '" + type + "'; use input, output or temp.");
        base = base.toAbsolutePath().normalize();
        String subfolder = FileNames.require(ctx.formParam("subfolder") == null ? "" : ctx.formParam("subfolder"), "subfolder");
        Path folder = SafePaths.resolveInside(base, subfolder);
        Path target = folder == null ? null : SafePaths.resolveInside(folder, filename);
        if (target == null || !target.getParent().equals(folder) || !SafePaths.isInside(base, target)) {
            throw ApiError.badRequest("invalid_path", "The upload path '" + subfolder + "/" + filename + "' leaves the " + type + " folder.");
        }
        byte[] bytes;
        try (InputStream in = image.content()) {
            bytes = in.readAllBytes();
        }
        Files.createDirectories(folder);

        String overwrite = ctx.formParam("overwrite");
        boolean duplicate = false;
        if (!"true".equals(overwrite) && !"1".equals(overwrite)) {
            String stem = filename.lastIndexOf('.') > 0 ? filename.substring(0, filename.lastIndexOf('.')) : filename;
            String ext = filename.lastIndexOf('.') > 0 ? filename.substring(filename.lastIndexOf('.')) : "";
            for (int i = 1; Files.exists(target); i++) {
                if (Files.isRegularFile(target) && Arrays.equals(sha256(Files.readAllBytes(target)), sha256(bytes))) {
                    duplicate = true;
                    break;
                }
                filename = stem + " (" + i + ")" + ext;
                target = folder.resolve(filename);
            }
        }
        if (!duplicate) {
            byte[] content = maskOriginal == null ? bytes : mergeAlpha(maskOriginal, bytes);
            Path tmp = Files.createTempFile(folder, ".upload", ".tmp");
            try {
                Files.write(tmp, content);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        ObjectNode body = Json.object();
        body.put("name", filename);
        body.put("subfolder", subfolder);
        body.put("type", type);
        Json.send(ctx, body);
    }

    /** The image {@code original_ref} names, checked as {@code /view} checks its parameters. */
    private static Path originalImage(Context ctx, JsonNode ref) {
        FileTypes.Annotated annotated = FileTypes.parse(ref.path("filename").asText(""));
        String filename = FileNames.require(annotated.name(), "original_ref filename");
        if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) {
            throw ApiError.badRequest("invalid_filename", "original_ref names an invalid file '" + filename + "'.");
        }
        String type = annotated.type() != null ? annotated.type() : ref.path("type").asText("output");
        Path base = FileTypes.directory(ServerState.of(ctx).options(), type);
        if (base == null) throw ApiError.badRequest("invalid_type", "original_ref has an unknown type '" + type + "'.");
        base = base.toAbsolutePath().normalize();
        String subfolder = FileNames.require(ref.path("subfolder").asText(""), "original_ref subfolder");
        Path dir = SafePaths.resolveInside(base, subfolder);
        if (dir == null) throw ApiError.forbidden("original_ref's subfolder '" + subfolder + "' is outside the " + type + " folder.");
        Path file = SafePaths.resolveInside(dir, filename);
        if (file == null || !SafePaths.isInside(base, file)) throw ApiError.forbidden("original_ref leaves the " + type + " folder.");
        if (!Files.isRegularFile(file)) throw ApiError.notFound("The original image '" + filename + "' does not exist.");
        return file;
    }

    /** The original image as RGBA with the mask's alpha channel, as PNG, keeping the original's PNG text. */
    private static byte[] mergeAlpha(Path original, byte[] maskBytes) throws IOException {
        BufferedImage image = ImageFiles.toRgba(ImageFiles.read(original)); // first: refuses what cannot be decoded
        Map<String, String> text = ImageFiles.pngText(original);
        BufferedImage mask = ImageFiles.toRgba(ImageFiles.read(maskBytes, "the uploaded mask"));
        if (mask.getWidth() != image.getWidth() || mask.getHeight() != image.getHeight()) {
            throw ApiError.badRequest("invalid_image", "The mask is " + mask.getWidth() + "x" + mask.getHeight()
                    + " but the original image is " + image.getWidth() + "x" + image.getHeight() + ".");
        }
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int alpha = mask.getRGB(x, y) & 0xff000000;
                image.setRGB(x, y, (image.getRGB(x, y) & 0x00ffffff) | alpha);
            }
        }
        return ImageFiles.png(image, text);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
