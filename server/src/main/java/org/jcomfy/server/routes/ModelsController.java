package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.List;
import org.jcomfy.server.files.ModelFolders;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * The model folder routes: {@code /embeddings}, {@code /models}, {@code /models/{folder}},
 * the model library's {@code /experiment/models...} and {@code /view_metadata/{folder}}.
 * Only canonical folder names are accepted here; the legacy aliases work for node lookups.
 */
public final class ModelsController {
    private static final List<String> PREVIEW_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".webp", ".gif");
    private static final int MAX_HEADER_BYTES = 1024 * 1024;

    private ModelsController() {}

    /** Embedding names without their extension. */
    public static void embeddings(Context ctx) {
        List<String> names = models(ctx).files("embeddings").stream()
                .map(n -> n.lastIndexOf('.') > 0 ? n.substring(0, n.lastIndexOf('.')) : n).toList();
        Json.send(ctx, names);
    }

    public static void folders(Context ctx) {
        Json.send(ctx, models(ctx).names());
    }

    public static void files(Context ctx) {
        Json.send(ctx, models(ctx).files(canonicalFolder(ctx).name()));
    }

    /** {@code [{"name","folders":[abs paths]}]} without configs and custom_nodes. */
    public static void experimentFolders(Context ctx) {
        ArrayNode out = Json.array();
        ModelFolders m = models(ctx);
        for (String name : m.names()) {
            if (name.equals("configs") || name.equals("custom_nodes")) continue;
            ObjectNode entry = out.addObject();
            entry.put("name", name);
            ArrayNode roots = entry.putArray("folders");
            for (Path root : m.exact(name).roots()) roots.add(root.toString());
        }
        Json.send(ctx, out);
    }

    /** {@code [{"name","pathIndex","modified","created","size"}]}, times in float seconds; hidden entries skipped. */
    public static void experimentFiles(Context ctx) throws IOException {
        ModelFolders.Folder folder = canonicalFolder(ctx);
        ArrayNode out = Json.array();
        List<Path> roots = folder.roots();
        for (int i = 0; i < roots.size(); i++) {
            Path root = roots.get(i);
            for (Path file : ModelFolders.walk(root)) {
                String rel = root.relativize(file).toString().replace('\\', '/');
                if (hidden(rel) || !folder.accepts(file.getFileName().toString())) continue;
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                ObjectNode e = out.addObject();
                e.put("name", rel);
                e.put("pathIndex", i);
                e.put("modified", a.lastModifiedTime().toMillis() / 1000.0);
                e.put("created", a.creationTime().toMillis() / 1000.0);
                e.put("size", a.size());
            }
        }
        Json.send(ctx, out);
    }

    /**
     * The preview image of a model: {@code <name>.<img>} or {@code <name>.preview.<img>} beside it,
     * else the first {@code ssmd_cover_images} entry of its safetensors metadata. Sent as stored:
     * jcomfy has no WebP encoder, so a PNG stays a PNG (browsers show either).
     */
    public static void experimentPreview(Context ctx) throws IOException {
        ModelFolders.Folder folder = canonicalFolder(ctx);
        int index;
        try {
            index = Integer.parseInt(ctx.pathParam("path_index"));
        } catch (NumberFormatException e) {
            throw ApiError.notFound("path_index must be an integer.");
        }
        if (index < 0 || index >= folder.roots().size()) throw ApiError.notFound("No root " + index + " in folder '" + folder.name() + "'.");
        Path root = folder.roots().get(index);
        String filename = PercentDecoding.decode(ctx.pathParam("filename"));
        Path model = SafePaths.resolveInside(root, filename);
        if (model == null) throw ApiError.forbidden("The path '" + filename + "' leaves the model folder.");
        String stem = model.getFileName().toString();
        if (stem.lastIndexOf('.') > 0) stem = stem.substring(0, stem.lastIndexOf('.'));
        for (String ext : PREVIEW_EXTENSIONS) {
            for (String name : List.of(stem + ext, stem + ".preview" + ext)) {
                Path candidate = model.resolveSibling(name);
                if (Files.isRegularFile(candidate)) {
                    ctx.contentType(ContentTypes.of(name)).result(Files.readAllBytes(candidate));
                    return;
                }
            }
        }
        JsonNode metadata = Files.isRegularFile(model) ? safetensorsMetadata(model) : null;
        if (metadata != null && metadata.hasNonNull("ssmd_cover_images")) {
            JsonNode covers = Json.MAPPER.readTree(metadata.get("ssmd_cover_images").asText());
            if (covers.isArray() && !covers.isEmpty()) {
                byte[] image = Base64.getDecoder().decode(covers.get(0).asText());
                ctx.contentType(sniffImageType(image)).result(image);
                return;
            }
        }
        throw ApiError.notFound("No preview for '" + filename + "'.");
    }

    /** A safetensors file's {@code __metadata__} object; 404 for other extensions, missing files, or no metadata. */
    public static void viewMetadata(Context ctx) throws IOException {
        String folderName = ctx.pathParam("folder");
        String filename = ctx.queryParam("filename");
        if (filename == null || !filename.endsWith(".safetensors")) throw ApiError.notFound("filename must name a .safetensors file.");
        Path file;
        try {
            file = models(ctx).path(folderName, filename);
        } catch (IllegalArgumentException e) {
            throw ApiError.notFound(e.getMessage());
        }
        JsonNode metadata = safetensorsMetadata(file);
        if (metadata == null) throw ApiError.notFound("'" + filename + "' has no __metadata__.");
        Json.send(ctx, metadata);
    }

    /** The {@code __metadata__} of a safetensors header (read up to 1 MiB), or null. */
    static JsonNode safetensorsMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.read(len) != 8) return null;
            long n = len.flip().getLong();
            if (n <= 0 || n > MAX_HEADER_BYTES || n > ch.size() - 8) return null;
            ByteBuffer header = ByteBuffer.allocate((int) n);
            while (header.hasRemaining() && ch.read(header) > 0) { /* fill */ }
            JsonNode json = Json.MAPPER.readTree(new String(header.array(), StandardCharsets.UTF_8));
            JsonNode meta = json.get("__metadata__");
            return meta != null && meta.isObject() ? meta : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static String sniffImageType(byte[] b) {
        if (b.length > 4 && (b[0] & 0xff) == 0x89 && b[1] == 'P') return "image/png";
        if (b.length > 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) return "image/jpeg";
        if (b.length > 12 && b[0] == 'R' && b[8] == 'W') return "image/webp";
        return "application/octet-stream";
    }

    private static boolean hidden(String rel) {
        for (String part : rel.split("/")) if (part.startsWith(".")) return true;
        return false;
    }

    private static ModelFolders models(Context ctx) {
        return ServerState.of(ctx).models();
    }

    private static ModelFolders.Folder canonicalFolder(Context ctx) {
        String name = ctx.pathParam("folder");
        ModelFolders.Folder f = models(ctx).exact(name);
        if (f == null) throw ApiError.notFound("No model folder '" + name + "'.");
        return f;
    }
}
