package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * Where a request's user files live. jcomfy runs single-user, as ComfyUI does without
 * {@code --multi-user}: the {@code Comfy-User} header is ignored and every request is user
 * {@code default}, stored in {@code <user dir>/default/}. Paths a client names are confined there.
 */
final class UserFiles {
    static final String DEFAULT_USER = "default";

    private UserFiles() {}

    static Path userRoot(Context ctx) {
        return ServerState.of(ctx).options().userDirectory().resolve(DEFAULT_USER).toAbsolutePath().normalize();
    }

    /** {@code relative} inside the user's directory, or 403 when it would leave it. */
    static Path resolve(Context ctx, String relative) {
        Path p = SafePaths.resolveInside(userRoot(ctx), FileNames.require(relative, "user file path"));
        if (p == null) throw ApiError.forbidden("The path '" + relative + "' is outside the user directory.");
        return p;
    }

    /** {@code {path, size, modified, created}} with times in ms since the epoch and '/' separators. */
    static ObjectNode fileInfo(Path file, Path relativeTo) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        ObjectNode info = Json.object();
        info.put("path", relativeTo.relativize(file).toString().replace('\\', '/'));
        info.put("size", a.size());
        info.put("modified", a.lastModifiedTime().toMillis());
        info.put("created", a.creationTime().toMillis());
        return info;
    }
}
