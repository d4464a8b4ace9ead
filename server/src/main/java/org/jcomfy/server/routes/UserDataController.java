package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;

/**
 * {@code /userdata} and {@code /v2/userdata}: the user's files (saved workflows, subgraph
 * blueprints, {@code .index.json}), listed, read, written atomically, deleted and moved. A file
 * name is one path segment, with its slashes sent as {@code %2F}.
 */
public final class UserDataController {
    private UserDataController() {}

    /** {@code ?dir=D&recurse=&full_info=&split=}: files under D (never directories), '/'-separated. */
    public static void list(Context ctx) throws IOException {
        String dir = ctx.queryParam("dir");
        if (dir == null || dir.isEmpty()) throw ApiError.text(400, "Directory not provided");
        Path root = UserFiles.resolve(ctx, dir);
        if (!Files.isDirectory(root)) throw ApiError.notFound("The directory '" + dir + "' does not exist.");
        boolean recurse = "true".equals(ctx.queryParam("recurse"));
        boolean fullInfo = "true".equals(ctx.queryParam("full_info"));
        boolean split = "true".equals(ctx.queryParam("split"));
        List<Path> files;
        try (Stream<Path> s = recurse ? Files.walk(root) : Files.list(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        ArrayNode out = Json.array();
        for (Path f : files) {
            String rel = root.relativize(f).toString().replace('\\', '/');
            if (fullInfo) {
                out.add(UserFiles.fileInfo(f, root));
            } else if (split) {
                ArrayNode parts = out.addArray().add(rel);
                for (String part : rel.split("/")) parts.add(part);
            } else {
                out.add(rel);
            }
        }
        Json.send(ctx, out);
    }

    public static void read(Context ctx) throws IOException {
        Path f = UserFiles.resolve(ctx, fileParam(ctx, "file"));
        if (!Files.isRegularFile(f)) throw ApiError.notFound("No user file '" + fileParam(ctx, "file") + "'.");
        ctx.contentType(ContentTypes.of(f.getFileName().toString())).result(Files.readAllBytes(f));
    }

    /** {@code ?overwrite=true|false&full_info=}: the body is the file. 409 when it exists and overwrite is false. */
    public static void write(Context ctx) throws IOException {
        Path f = UserFiles.resolve(ctx, fileParam(ctx, "file"));
        boolean overwrite = !"false".equals(ctx.queryParam("overwrite"));
        if (!overwrite && Files.exists(f)) throw ApiError.text(409, "File already exists");
        if (Files.isDirectory(f)) throw ApiError.badRequest("invalid_path", "'" + fileParam(ctx, "file") + "' is a directory.");
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(f.getParent(), ".upload", ".tmp");
        try {
            Files.write(tmp, ctx.bodyAsBytes());
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        answerWithPath(ctx, f);
    }

    public static void delete(Context ctx) throws IOException {
        Path f = UserFiles.resolve(ctx, fileParam(ctx, "file"));
        if (!Files.isRegularFile(f)) throw ApiError.notFound("No user file '" + fileParam(ctx, "file") + "'.");
        Files.delete(f);
        ctx.status(204);
    }

    /** {@code /userdata/{file}/move/{dest}?overwrite=&full_info=}. */
    public static void move(Context ctx) throws IOException {
        Path source = UserFiles.resolve(ctx, fileParam(ctx, "file"));
        Path dest = UserFiles.resolve(ctx, fileParam(ctx, "dest"));
        if (!Files.isRegularFile(source)) throw ApiError.notFound("No user file '" + fileParam(ctx, "file") + "'.");
        boolean overwrite = !"false".equals(ctx.queryParam("overwrite"));
        if (!overwrite && Files.exists(dest)) throw ApiError.text(409, "File already exists");
        Files.createDirectories(dest.getParent());
        Files.move(source, dest, StandardCopyOption.REPLACE_EXISTING);
        answerWithPath(ctx, dest);
    }

    /** {@code ?path=P}: entries of one directory, directories first, then by name. */
    public static void listV2(Context ctx) throws IOException {
        String rel = ctx.queryParam("path") == null ? "" : ctx.queryParam("path");
        Path root = UserFiles.userRoot(ctx);
        Path dir = UserFiles.resolve(ctx, rel);
        if (!Files.exists(dir)) {
            if (dir.equals(root)) {
                Json.send(ctx, Json.array());
                return;
            }
            throw ApiError.notFound("The directory '" + rel + "' does not exist.");
        }
        if (!Files.isDirectory(dir)) throw ApiError.badRequest("not_a_directory", "'" + rel + "' is not a directory.");
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = new ArrayList<>(s.toList());
        }
        entries.sort(Comparator.comparing((Path p) -> !Files.isDirectory(p)).thenComparing(p -> p.getFileName().toString()));
        ArrayNode out = Json.array();
        for (Path p : entries) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            ObjectNode e = out.addObject();
            e.put("name", p.getFileName().toString());
            e.put("path", root.relativize(p).toString().replace('\\', '/'));
            e.put("type", a.isDirectory() ? "directory" : "file");
            if (!a.isDirectory()) e.put("size", a.size());
            e.put("modified", a.lastModifiedTime().toMillis() / 1000.0);
        }
        Json.send(ctx, out);
    }

    /** The relative path (OS separator) as a JSON string, or with {@code full_info=true} the file's info object. */
    private static void answerWithPath(Context ctx, Path file) throws IOException {
        Path root = UserFiles.userRoot(ctx);
        if ("true".equals(ctx.queryParam("full_info"))) Json.send(ctx, UserFiles.fileInfo(file, root));
        else Json.send(ctx, root.relativize(file).toString());
    }

    /** A path parameter, percent-decoded once more if it still holds escapes (upstream unquotes names containing '%'). */
    static String fileParam(Context ctx, String name) {
        String v = ctx.pathParam(name);
        return v.contains("%") ? PercentDecoding.decode(v) : v;
    }
}
