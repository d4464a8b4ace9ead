package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The container settings that /ws depends on, with an echo socket declared through the route
 * table as ExecutionApi declares its own: reachable at /ws and /api/ws, and frames far above
 * Jetty's 64 KiB default get through, even with the frontend's catch-all GET route present.
 */
class WebSocketContainerTest {

    @Test
    void a_socket_declared_once_answers_at_ws_and_api_ws_and_takes_large_frames() throws Exception {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            JcomfyServer.configureContainer(config, 1 << 20);
            JavalinRouteTable table = new JavalinRouteTable(config.routes);
            table.ws("/ws", ws -> ws.onMessage(ctx -> ctx.send("echo:" + ctx.message().length())));
            // as in JcomfyServer, the frontend's catch-all GET comes last and must not swallow the upgrade
            table.unprefixed(io.javalin.http.HandlerType.GET, "/<path>", ctx -> ctx.status(404).result("static"));
        }).start("127.0.0.1", 0);
        try {
            String big = "x".repeat(512 * 1024);
            for (String path : new String[] {"/ws", "/api/ws"}) {
                CompletableFuture<String> reply = new CompletableFuture<>();
                WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(URI.create("ws://127.0.0.1:" + app.port() + path), new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) reply.complete(text.toString());
                                ws.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                                reply.completeExceptionally(new AssertionError("closed " + status + " " + reason));
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
                socket.sendText(big, true).get(10, TimeUnit.SECONDS);
                assertEquals("echo:" + big.length(), reply.get(20, TimeUnit.SECONDS), path);
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        } finally {
            app.stop();
        }
    }
}
