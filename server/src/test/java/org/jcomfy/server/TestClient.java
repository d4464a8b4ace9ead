package org.jcomfy.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jcomfy.server.http.Json;

/**
 * A JDK HttpClient and WebSocket client for a jcomfy server on a local port, with the calls tests
 * make: requests, JSON, prompt submission, history polling. The server may run in this JVM
 * ({@link TestServer}) or in its own process ({@code ServerProcess}).
 */
public abstract class TestClient {
    public final HttpClient http = HttpClient.newHttpClient();

    /** The port the server listens on. */
    public abstract int port();

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(builder(path, headers).GET().build());
    }

    public HttpResponse<byte[]> getBytes(String path, String... headers) {
        return send(builder(path, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> post(String path, String body, String... headers) {
        return send(builder(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> post(String path, byte[] body, String... headers) {
        return send(builder(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public HttpResponse<String> delete(String path) {
        return send(builder(path).DELETE().build());
    }

    public HttpResponse<String> method(String verb, String path, String body, String... headers) {
        return send(builder(path, headers).method(verb, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder builder(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (headers.length > 0) b.headers(headers);
        return b;
    }

    public JsonNode getJson(String path) { return json(get(path)); }

    public JsonNode postJson(String path, String body) { return json(post(path, body)); }

    /** The body parsed as JSON; an AssertionError naming the status and body when it is not JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** Submits {@code {"prompt": P}} and returns the prompt id (fails on a non-200). */
    public String submit(String promptJson) {
        return submit(promptJson, null);
    }

    /** Submits {@code {"prompt": P, "client_id": C}} and returns the prompt id (fails on a non-200). */
    public String submit(String promptJson, String clientId) {
        String body = "{\"prompt\":" + promptJson + (clientId == null ? "" : ",\"client_id\":\"" + clientId + "\"") + "}";
        HttpResponse<String> r = post("/prompt", body);
        if (r.statusCode() != 200) throw new AssertionError("POST /prompt answered " + r.statusCode() + ": " + r.body());
        return json(r).get("prompt_id").asText();
    }

    /** Submits {@code {"prompt": P}} expecting a refusal: returns the 400's body (fails on any other status). */
    public JsonNode refused(String promptJson) {
        HttpResponse<String> r = post("/prompt", "{\"prompt\":" + promptJson + "}");
        if (r.statusCode() != 400) throw new AssertionError("POST /prompt answered " + r.statusCode() + ": " + r.body());
        return json(r);
    }

    /** Polls /history until the prompt is there (for tests without a WebSocket). */
    public JsonNode awaitHistory(String promptId) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode h = getJson("/history/" + promptId);
            if (h.has(promptId)) return h.get(promptId);
            Thread.sleep(20);
        }
        throw new AssertionError("prompt " + promptId + " did not finish");
    }

    /** A WebSocket on {@code /ws}, with {@code ?clientId=} when one is given. */
    public TestWebSocket connect(String clientId) throws Exception {
        return TestWebSocket.open(http, webSocketUrl(clientId));
    }

    /** See {@link TestWebSocket#openReadingBinarySlowly}. */
    public TestWebSocket connectReadingBinarySlowly(String clientId, long binaryDelayMs) throws Exception {
        return TestWebSocket.openReadingBinarySlowly(http, webSocketUrl(clientId), binaryDelayMs);
    }

    private String webSocketUrl(String clientId) {
        return "ws://127.0.0.1:" + port() + "/ws" + (clientId == null ? "" : "?clientId=" + clientId);
    }

    /** A multipart/form-data body: text fields, then file parts named by {@code files}. */
    public static final class Multipart {
        final String boundary = "----jcomfy" + UUID.randomUUID();
        private final List<byte[]> parts = new ArrayList<>();

        public Multipart field(String name, String value) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Multipart file(String name, String filename, String contentType, byte[] content) {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            part.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            part.writeBytes(content);
            part.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            parts.add(part.toByteArray());
            return this;
        }

        public byte[] body() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) out.writeBytes(p);
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }
    }

    public HttpResponse<String> upload(String path, Multipart form) {
        return post(path, form.body(), "Content-Type", form.contentType());
    }

}
