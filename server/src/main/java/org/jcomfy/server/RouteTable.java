package org.jcomfy.server;

import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;
import java.util.function.Consumer;

/**
 * Where route families declare their routes. The implementation registers every HTTP route
 * twice, bare and under {@code /api}, as ComfyUI does.
 */
public interface RouteTable {
    void get(String path, Handler handler);

    void post(String path, Handler handler);

    void delete(String path, Handler handler);

    void ws(String path, Consumer<WsConfig> ws);
}
