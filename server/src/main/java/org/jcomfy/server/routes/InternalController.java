package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jcomfy.server.files.FileTypes;
import org.jcomfy.server.files.ModelFolders;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.LogBuffer;
import org.jcomfy.server.http.ServerState;

/** {@code /internal/*}: the frontend's own routes (terminal panel, model paths, file pickers); never under /api. */
public final class InternalController {
    private InternalController() {}

    /** All buffered log lines as one JSON string, {@code "<t> - <m>"} each. */
    public static void logs(Context ctx) {
        StringBuilder sb = new StringBuilder();
        for (LogBuffer.Entry e : ServerState.of(ctx).logs().entries()) sb.append(e.t()).append(" - ").append(e.m());
        Json.send(ctx, sb.toString());
    }

    public static void logsRaw(Context ctx) {
        ObjectNode body = Json.object();
        ArrayNode entries = body.putArray("entries");
        for (LogBuffer.Entry e : ServerState.of(ctx).logs().entries()) entries.addObject().put("t", e.t()).put("m", e.m());
        body.putObject("size").put("cols", 80).put("rows", 24);
        Json.send(ctx, body);
    }

    /**
     * {@code {"clientId","enabled"}}. Accepted and checked; pushing new lines as WebSocket
     * {@code logs} messages needs the /ws side, which does not offer it yet, so the terminal
     * panel shows what {@code /internal/logs/raw} returned when it opened.
     */
    public static void subscribeLogs(Context ctx) {
        JsonNode body = Json.objectBody(ctx);
        if (!body.hasNonNull("clientId")) throw ApiError.badRequest("invalid_request", "clientId is required.");
        ctx.status(200).result("");
    }

    /** {@code {folder: [absolute roots]}} for every model folder. */
    public static void folderPaths(Context ctx) {
        ModelFolders m = ServerState.of(ctx).models();
        ObjectNode body = Json.object();
        for (String name : m.names()) {
            ArrayNode roots = body.putArray(name);
            for (Path root : m.exact(name).roots()) roots.add(root.toString());
        }
        Json.send(ctx, body);
    }

    /** Top-level, non-hidden files of input/output/temp as {@code "name [type]"}, newest first. */
    public static void files(Context ctx) throws IOException {
        String type = ctx.pathParam("type");
        Path dir = FileTypes.directory(ServerState.of(ctx).options(), type);
        if (dir == null) throw ApiError.simple(400, "Invalid directory type");
        List<Path> files = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("."))
                        .sorted(Comparator.comparing(InternalController::modified).reversed()).toList();
            }
        }
        Json.send(ctx, files.stream().map(p -> p.getFileName() + " [" + type + "]").toList());
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
