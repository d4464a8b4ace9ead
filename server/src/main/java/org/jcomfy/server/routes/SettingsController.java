package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import org.jcomfy.server.http.Json;

/** {@code /settings}: the user's {@code comfy.settings.json}, read whole, by key, merged and set. */
public final class SettingsController {
    private static final Object LOCK = new Object();

    private SettingsController() {}

    public static void all(Context ctx) {
        Json.send(ctx, load(ctx));
    }

    /** One value, or JSON {@code null} when unset. */
    public static void one(Context ctx) {
        JsonNode value = load(ctx).get(ctx.pathParam("id"));
        Json.send(ctx, value == null ? Json.MAPPER.nullNode() : value);
    }

    /** Shallow-merges a JSON object into the settings. */
    public static void merge(Context ctx) throws IOException {
        ObjectNode update = Json.objectBody(ctx);
        synchronized (LOCK) {
            ObjectNode settings = load(ctx);
            for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                settings.set(e.getKey(), e.getValue());
            }
            save(ctx, settings);
        }
        ctx.status(200).result("");
    }

    /** Sets one key to any JSON value. */
    public static void set(Context ctx) throws IOException {
        JsonNode value = Json.body(ctx);
        synchronized (LOCK) {
            ObjectNode settings = load(ctx);
            settings.set(ctx.pathParam("id"), value);
            save(ctx, settings);
        }
        ctx.status(200).result("");
    }

    private static Path file(Context ctx) {
        return UserFiles.userRoot(ctx).resolve("comfy.settings.json");
    }

    /** The stored settings; {@code {}} when the file is missing or not a JSON object (as upstream). */
    private static ObjectNode load(Context ctx) {
        Path f = file(ctx);
        if (!Files.isRegularFile(f)) return Json.object();
        try {
            return Json.MAPPER.readTree(f.toFile()) instanceof ObjectNode o ? o : Json.object();
        } catch (IOException e) {
            System.err.println("jcomfy: ignoring unreadable settings file " + f + ": " + e.getMessage());
            return Json.object();
        }
    }

    private static void save(Context ctx, ObjectNode settings) throws IOException {
        Path f = file(ctx);
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(f.getParent(), ".settings", ".tmp");
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), settings);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp); // gone after the move; after a failed write it must not stay behind
        }
    }
}
