package org.jcomfy.server.http;

import io.javalin.config.Key;
import io.javalin.http.Context;
import java.util.List;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.ServerRuntime;
import org.jcomfy.server.files.ModelFolders;

/**
 * What the HTTP handlers share, kept in Javalin's app data so handlers can stay static methods:
 * {@code ServerState.of(ctx)}.
 *
 * @param argv              the command line, reported by /system_stats
 * @param bundledExtensions URL paths of the JavaScript extensions carried in the jar
 */
public record ServerState(ServerRuntime runtime, ModelFolders models, LogBuffer logs, List<String> argv,
                          List<String> bundledExtensions) {
    public static final Key<ServerState> KEY = new Key<>("jcomfy.server-state");

    public static ServerState of(Context ctx) {
        return ctx.appData(KEY);
    }

    public ServerOptions options() {
        return runtime.options();
    }
}
