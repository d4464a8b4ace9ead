package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.server.JcomfyServer;
import org.jcomfy.server.ServerOptions;

/**
 * The real jcomfy server ({@link JcomfyServer}: every route, the real {@code /view}) on a free
 * port with temporary folders and every node found on the class path, test nodes included.
 */
final class ExecutionTestServer implements AutoCloseable {
    final Path base;
    final NodeEnvironment environment;
    private final boolean ownsBase;
    private final JcomfyServer server;
    final HttpClient http = HttpClient.newHttpClient();

    ExecutionTestServer() throws IOException { this("classic", 0); }

    ExecutionTestServer(String cacheMode, int lruSize) throws IOException {
        this(options(Files.createTempDirectory("jcomfy-exec-test"), cacheMode, lruSize), true);
    }

    /** A server on {@code options} whose base folder outlives it (restart tests start another on it). */
    ExecutionTestServer(ServerOptions options) { this(options, false); }

    private ExecutionTestServer(ServerOptions options, boolean ownsBase) {
        base = options.baseDirectory();
        this.ownsBase = ownsBase;
        server = JcomfyServer.start(options, NodeRegistry.load(), List.of("jcomfy", "test"));
        environment = server.runtime().environment();
    }

    private static ServerOptions options(Path base, String cacheMode, int lruSize) {
        ServerOptions d = ServerOptions.defaults(base, 0);
        return new ServerOptions(d.listen(), 0, base, d.outputDirectory(), d.inputDirectory(),
                d.tempDirectory(), d.userDirectory(), null, null, d.maxUploadSizeMb(), d.extraModelPathsConfig(),
                d.previewMethod(), cacheMode, lruSize, false);
    }

    int port() { return server.port(); }

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
        server.close();
        if (!ownsBase) return;
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
