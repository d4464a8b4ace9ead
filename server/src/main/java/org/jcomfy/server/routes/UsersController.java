package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/** {@code /users}: single-user detection and user creation (PROTOCOL §1.4). */
public final class UsersController {
    private UsersController() {}

    /** Single-user answer: the frontend sees no {@code users} key and skips the user-select page. */
    public static void list(Context ctx) {
        ObjectNode body = Json.object();
        body.put("storage", "server");
        body.put("migrated", Files.isDirectory(UserFiles.userRoot(ctx)));
        Json.send(ctx, body);
    }

    /** Creates a user id {@code <sanitised name>_<uuid>}, kept in {@code users.json}; answers the id as a JSON string. */
    public static synchronized void create(Context ctx) throws IOException {
        JsonNode body = Json.objectBody(ctx);
        String name = body.path("username").asText("").strip();
        if (name.isEmpty()) throw ApiError.simple(400, "username not provided");
        if (name.startsWith("__")) throw ApiError.simple(400, "System User prefix not allowed");
        Path usersFile = ServerState.of(ctx).options().userDirectory().resolve("users.json");
        ObjectNode users = Files.isRegularFile(usersFile) ? (ObjectNode) Json.MAPPER.readTree(usersFile.toFile()) : Json.object();
        for (JsonNode existing : users) {
            if (existing.asText().equals(name)) throw ApiError.simple(400, "Duplicate username.");
        }
        String id = name.replaceAll("[^a-zA-Z0-9\\-_]+", "-") + "_" + UUID.randomUUID();
        users.put(id, name);
        Files.createDirectories(usersFile.getParent());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(usersFile.toFile(), users);
        Json.send(ctx, id);
    }
}
