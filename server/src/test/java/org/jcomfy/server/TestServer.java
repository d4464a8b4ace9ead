package org.jcomfy.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeRegistry;

/**
 * A real jcomfy server on a free port with a fresh base directory, and a JDK HttpClient to
 * talk to it. Close it at the end of the test.
 */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path base;
    final JcomfyServer server;
    final HttpClient http = HttpClient.newHttpClient();

    private TestServer(Path base, JcomfyServer server) {
        this.base = base;
        this.server = server;
    }

    /** A server with the test nodes, default options rooted at a new temp directory. */
    static TestServer start() {
        return start(o -> o);
    }

    /** A server whose default options (port 0, temp base) are first adjusted by {@code change}. */
    static TestServer start(UnaryOperator<ServerOptions> change) {
        try {
            Path base = Files.createTempDirectory("jcomfy-test");
            ServerOptions options = change.apply(ServerOptions.defaults(base, 0));
            Map<String, Node> nodes = new LinkedHashMap<>();
            for (Node n : new TestNodes().nodes()) nodes.put(n.schema().name(), n);
            return new TestServer(base, JcomfyServer.start(options, new NodeRegistry(nodes), List.of("jcomfy", "serve")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options with one field changed, since the record has no withers. */
    static ServerOptions withCors(ServerOptions o, String cors) {
        return new ServerOptions(o.listen(), o.port(), o.baseDirectory(), o.outputDirectory(), o.inputDirectory(),
                o.tempDirectory(), o.userDirectory(), o.frontEndRoot(), cors, o.maxUploadSizeMb(), o.extraModelPathsConfig(),
                o.previewMethod(), o.cacheMode(), o.cacheLruSize(), o.verbose());
    }

    static ServerOptions withMaxUploadMb(ServerOptions o, double mb) {
        return new ServerOptions(o.listen(), o.port(), o.baseDirectory(), o.outputDirectory(), o.inputDirectory(),
                o.tempDirectory(), o.userDirectory(), o.frontEndRoot(), o.enableCorsHeader(), mb, o.extraModelPathsConfig(),
                o.previewMethod(), o.cacheMode(), o.cacheLruSize(), o.verbose());
    }

    static ServerOptions withFrontEndRoot(ServerOptions o, Path root) {
        return new ServerOptions(o.listen(), o.port(), o.baseDirectory(), o.outputDirectory(), o.inputDirectory(),
                o.tempDirectory(), o.userDirectory(), root, o.enableCorsHeader(), o.maxUploadSizeMb(), o.extraModelPathsConfig(),
                o.previewMethod(), o.cacheMode(), o.cacheLruSize(), o.verbose());
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(builder(path, headers).GET().build());
    }

    HttpResponse<byte[]> getBytes(String path, String... headers) {
        try {
            return http.send(builder(path, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send(builder(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> post(String path, byte[] body, String... headers) {
        return send(builder(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> delete(String path) {
        return send(builder(path).DELETE().build());
    }

    HttpResponse<String> method(String verb, String path, String body, String... headers) {
        return send(builder(path, headers).method(verb, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder builder(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (headers.length > 0) b.headers(headers);
        return b;
    }

    /** A multipart/form-data body: text fields, then file parts named by {@code files}. */
    static final class Multipart {
        final String boundary = "----jcomfy" + UUID.randomUUID();
        private final List<byte[]> parts = new ArrayList<>();

        Multipart field(String name, String value) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Multipart file(String name, String filename, String contentType, byte[] content) {
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[head.length + content.length + 2];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(content, 0, all, head.length, content.length);
            all[all.length - 2] = '\r';
            all[all.length - 1] = '\n';
            parts.add(all);
            return this;
        }

        byte[] body() {
            var out = new java.io.ByteArrayOutputStream();
            for (byte[] p : parts) out.writeBytes(p);
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }
    }

    HttpResponse<String> upload(String path, Multipart form) {
        return post(path, form.body(), "Content-Type", form.contentType());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
        try (var s = Files.walk(base)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
