package org.jcomfy.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link RouteTable} over Javalin's route configuration. Every route of the ComfyUI API is
 * registered twice, at {@code /x} and at {@code /api/x}; {@link #unprefixed} is for the few
 * that upstream mounts only once ({@code /internal/*} and the static mounts).
 */
public final class JavalinRouteTable implements RouteTable {
    private final RoutesConfig routes;
    private final List<String> registered = new ArrayList<>();

    public JavalinRouteTable(RoutesConfig routes) {
        this.routes = routes;
    }

    @Override public void get(String path, Handler handler) { add(HandlerType.GET, path, handler); }

    @Override public void post(String path, Handler handler) { add(HandlerType.POST, path, handler); }

    @Override public void delete(String path, Handler handler) { add(HandlerType.DELETE, path, handler); }

    @Override
    public void ws(String path, Consumer<WsConfig> ws) {
        routes.ws(path, ws);
        routes.ws("/api" + path, ws);
        registered.add("WS " + path);
    }

    /** Registers {@code path} and {@code /api + path}. */
    public void add(HandlerType verb, String path, Handler handler) {
        routes.addHttpHandler(verb, path, handler);
        routes.addHttpHandler(verb, "/api" + path, handler);
        registered.add(verb + " " + path);
    }

    /** Registers {@code path} only. */
    public void unprefixed(HandlerType verb, String path, Handler handler) {
        routes.addHttpHandler(verb, path, handler);
        registered.add(verb + " " + path + " (no /api)");
    }

    /** "VERB /path" of everything registered so far, in order (for logs and tests). */
    public List<String> registered() {
        return List.copyOf(registered);
    }
}
