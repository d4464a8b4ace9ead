package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.server.RouteTable;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.ServerRuntime;

/**
 * A real Javalin server on a free port with only the execution routes (bare and under /api), on
 * temporary folders, plus a minimal test-only {@code /view} that serves output/temp/input files.
 * The real bootstrap (Main, /object_info, the full /view) belongs to another module part.
 */
final class ExecutionTestServer implements AutoCloseable {
    final Path base;
    final TestNodeEnvironment environment;
    final ExecutionApi api;
    private final Javalin app;
    final HttpClient http = HttpClient.newHttpClient();

    ExecutionTestServer() throws IOException { this("classic", 0); }

    ExecutionTestServer(String cacheMode, int lruSize) throws IOException {
        base = Files.createTempDirectory("jcomfy-exec-test");
        environment = new TestNodeEnvironment(base);
        for (Path p : new Path[] {environment.inputDirectory(), environment.outputDirectory(), environment.tempDirectory()}) {
            Files.createDirectories(p);
        }
        ServerOptions d = ServerOptions.defaults(base, 0);
        ServerOptions options = new ServerOptions(d.listen(), 0, base, d.outputDirectory(), d.inputDirectory(),
                d.tempDirectory(), d.userDirectory(), null, null, d.maxUploadSizeMb(), d.extraModelPathsConfig(),
                d.previewMethod(), cacheMode, lruSize, false);
        api = new ExecutionApi(new ServerRuntime(options, NodeRegistry.load(), environment));
        app = Javalin.create(config -> {
            RouteTable table = new RouteTable() {
                @Override public void get(String path, Handler h) { config.routes.get(path, h); config.routes.get("/api" + path, h); }
                @Override public void post(String path, Handler h) { config.routes.post(path, h); config.routes.post("/api" + path, h); }
                @Override public void delete(String path, Handler h) { config.routes.delete(path, h); config.routes.delete("/api" + path, h); }
                @Override public void ws(String path, Consumer<WsConfig> ws) { config.routes.ws(path, ws); config.routes.ws("/api" + path, ws); }
            };
            api.register(table);
            table.get("/view", this::view);
        }).start("127.0.0.1", 0);
    }

    /** Test-only /view: {@code filename}, {@code subfolder}, {@code type} (output, temp, input). */
    private void view(io.javalin.http.Context ctx) throws IOException {
        String type = ctx.queryParam("type") == null ? "output" : ctx.queryParam("type");
        Path dir = switch (type) {
            case "temp" -> environment.tempDirectory();
            case "input" -> environment.inputDirectory();
            default -> environment.outputDirectory();
        };
        String sub = ctx.queryParam("subfolder") == null ? "" : ctx.queryParam("subfolder");
        Path file = dir.resolve(sub).resolve(ctx.queryParam("filename")).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            ctx.status(404);
            return;
        }
        ctx.contentType(file.toString().endsWith(".png") ? "image/png" : "application/octet-stream").result(Files.readAllBytes(file));
    }

    int port() { return app.port(); }

    URI uri(String path) { return URI.create("http://127.0.0.1:" + port() + path); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(get(path).body());
    }

    JsonNode postJson(String path, String body) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(post(path, body).body());
    }

    /** Submits {@code {"prompt": P, "client_id": C}} and returns the prompt id (fails on a non-200). */
    String submit(String promptJson, String clientId) throws IOException, InterruptedException {
        String body = "{\"prompt\":" + promptJson + (clientId == null ? "" : ",\"client_id\":\"" + clientId + "\"") + "}";
        HttpResponse<String> r = post("/prompt", body);
        if (r.statusCode() != 200) throw new AssertionError("POST /prompt answered " + r.statusCode() + ": " + r.body());
        return Json.MAPPER.readTree(r.body()).get("prompt_id").asText();
    }

    /** Polls /history until the prompt is there (for tests without a WebSocket). */
    JsonNode awaitHistory(String promptId) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode h = getJson("/history/" + promptId);
            if (h.has(promptId)) return h.get(promptId);
            Thread.sleep(20);
        }
        throw new AssertionError("prompt " + promptId + " did not finish");
    }

    TestWebSocket connect(String clientId) throws Exception {
        return TestWebSocket.open(http, "ws://127.0.0.1:" + port() + "/ws" + (clientId == null ? "" : "?clientId=" + clientId));
    }

    @Override
    public void close() throws IOException {
        app.stop();
        api.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
