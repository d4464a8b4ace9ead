package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.CustomNodes;
import org.jcomfy.server.JcomfyServer;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.http.Json;

/**
 * The real jcomfy server on a free local port, driven exactly as the frontend drives it: prompts
 * go in by {@code POST /prompt}, their events come back over one {@code /ws} connection, files
 * come out through {@code /view}. What the headless commands ({@code run}, {@code cache-search})
 * share; one prompt runs at a time, with sampling progress drawn as a terminal bar.
 */
final class HeadlessServer implements AutoCloseable {
    /** One WebSocket message and when it arrived ({@link System#nanoTime}). */
    record Event(long nanos, JsonNode message) {
        String type() { return message.path("type").asText(); }
        JsonNode data() { return message.path("data"); }
    }

    /**
     * How a prompt ended: exit code 0 (succeeded), 1 (rejected or failed) or 130 (interrupted);
     * {@code error} says why when it did not succeed; {@code events} are the prompt's own messages.
     */
    record PromptRun(int exitCode, String error, List<Event> events) {
        boolean succeeded() { return exitCode == 0; }
    }

    private final JcomfyServer server;
    private final NodeRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String clientId = UUID.randomUUID().toString();
    private final Follower follower;
    private final WebSocket ws;

    private HeadlessServer(JcomfyServer server, NodeRegistry registry, PrintStream out) {
        this.server = server;
        this.registry = registry;
        this.follower = new Follower(ProgressBar.on(out));
        this.ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws?clientId=" + clientId), follower).join();
    }

    /** Writes the demo models if missing, loads the nodes (custom ones included) and starts the server. */
    static HeadlessServer start(ServerOptions options, List<String> argv, BackendOptions backend, PrintStream out)
            throws IOException {
        DemoModels.ensure(options.baseDirectory().resolve("models"), out);
        NodeRegistry registry = CustomNodes.load(options.baseDirectory().resolve("custom_nodes"));
        JcomfyServer server = JcomfyServer.start(options, registry, argv, backend);
        try {
            return new HeadlessServer(server, registry, out);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    NodeRegistry registry() { return registry; }

    /** The workflow file as an API prompt: a UI-format file is converted with this server's nodes. */
    ObjectNode apiPrompt(JsonNode workflow) {
        return UiWorkflowConverter.isUiWorkflow(workflow) ? new UiWorkflowConverter(registry).convert(workflow)
                : (ObjectNode) workflow.deepCopy();
    }

    /**
     * Submits {@code prompt} and follows it to its end. {@code workflow} (the UI graph, or null) is
     * embedded in saved files as the frontend does; {@code label} prefixes the progress bar;
     * {@code onEvent} sees each of the prompt's messages as it arrives.
     */
    PromptRun run(JsonNode prompt, JsonNode workflow, String label, Consumer<Event> onEvent) throws Exception {
        ObjectNode body = Json.object();
        body.put("client_id", clientId);
        body.set("prompt", prompt);
        if (workflow != null) body.putObject("extra_data").putObject("extra_pnginfo").set("workflow", workflow);
        Following following = follower.begin(prompt, label, onEvent);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/prompt"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        if (response.statusCode() != 200) {
            follower.end();
            return new PromptRun(1, rejection(answer), List.of());
        }
        following.identify(answer.path("prompt_id").asText(), follower);
        PromptRun run = following.done.join();
        follower.end();
        return run;
    }

    /** A file a node reported ({@code {"filename","subfolder","type"}}), read through {@code /view}. */
    byte[] view(JsonNode file) throws IOException, InterruptedException {
        String query = "filename=" + encode(file.path("filename").asText()) + "&subfolder=" + encode(file.path("subfolder").asText())
                + "&type=" + encode(file.path("type").asText("output"));
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri("/view?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("/view " + file.path("filename").asText() + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** The output folder's name for a saved file, as {@code jcomfy run} prints it. */
    static String shownPath(JsonNode file) {
        String sub = file.path("subfolder").asText();
        return file.path("type").asText() + "/" + (sub.isEmpty() ? "" : sub + "/") + file.path("filename").asText();
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        } catch (RuntimeException ignored) {
            // the connection is gone already: nothing to close
        }
        server.close();
    }

    private URI uri(String pathAndQuery) { return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery); }

    private static String encode(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** The validation error and each node's errors, one per line. */
    private static String rejection(JsonNode answer) {
        StringBuilder s = new StringBuilder("the prompt was rejected: " + answer.path("error").path("message").asText());
        answer.path("node_errors").properties().forEach(e -> {
            for (JsonNode error : e.getValue().path("errors")) {
                s.append("\n  node ").append(e.getKey()).append(" (").append(e.getValue().path("class_type").asText())
                        .append("): ").append(error.path("message").asText()).append(": ").append(error.path("details").asText());
            }
        });
        return s.toString();
    }

    /**
     * One prompt being followed: its id once the server named it, its events, and how it ended.
     * Messages that arrive before {@code POST /prompt} answered wait until the id is known: only
     * those of this prompt count, not the last words of the one before (ComfyUI sends a final
     * {@code executing} after a failure too).
     */
    private static final class Following {
        final JsonNode prompt;
        final String label;
        final Consumer<Event> onEvent;
        final List<Event> events = new ArrayList<>();
        final CompletableFuture<PromptRun> done = new CompletableFuture<>();
        private final List<Event> early = new ArrayList<>();
        private String promptId;
        String currentNode = "";

        Following(JsonNode prompt, String label, Consumer<Event> onEvent) {
            this.prompt = prompt;
            this.label = label;
            this.onEvent = onEvent;
        }

        /** Hands {@code event} on when it is this prompt's; keeps it while the id is not known yet. */
        synchronized void offer(Event event, Follower follower) {
            if (promptId == null) early.add(event);
            else if (promptId.equals(event.data().path("prompt_id").asText())) follower.handle(this, event);
        }

        synchronized void identify(String id, Follower follower) {
            promptId = id;
            for (Event e : early) if (id.equals(e.data().path("prompt_id").asText())) follower.handle(this, e);
            early.clear();
        }

        void end(int code, String error) { done.complete(new PromptRun(code, error, List.copyOf(events))); }
    }

    /** The WebSocket listener: hands each message of the prompt being followed to it. */
    private static final class Follower implements WebSocket.Listener {
        private final ProgressBar bar;
        private final StringBuilder text = new StringBuilder();
        private volatile Following current;

        Follower(ProgressBar bar) { this.bar = bar; }

        Following begin(JsonNode prompt, String label, Consumer<Event> onEvent) {
            Following f = new Following(prompt, label, onEvent);
            current = f;
            return f;
        }

        void end() {
            current = null;
            bar.finish();
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                long now = System.nanoTime();
                Following f = current;
                try {
                    JsonNode message = Json.MAPPER.readTree(text.toString());
                    if (f != null && message.path("data").has("prompt_id")) f.offer(new Event(now, message), this);
                } catch (Exception e) {
                    if (f != null) f.end(1, "unreadable message from the server: " + e.getMessage());
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void handle(Following f, Event event) {
            JsonNode data = event.data();
            f.events.add(event);
            f.onEvent.accept(event);
            switch (event.type()) {
                case "executing" -> {
                    if (data.path("node").isNull()) {
                        bar.finish();
                        f.end(0, null);
                    } else {
                        String node = data.path("node").asText();
                        f.currentNode = f.prompt.path(node).path("class_type").asText("node") + " #" + node;
                    }
                }
                case "progress" -> bar.show(f.label + f.currentNode, data.path("value").asLong(), data.path("max").asLong());
                case "executed" -> bar.finish();
                case "execution_error" -> {
                    bar.finish();
                    f.end(1, "node " + data.path("node_id").asText() + " (" + data.path("node_type").asText() + ") failed: "
                            + data.path("exception_message").asText());
                }
                case "execution_interrupted" -> {
                    bar.finish();
                    f.end(130, "interrupted");
                }
                default -> { }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            Following f = current;
            if (f != null) f.end(1, "the server closed the connection");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            Following f = current;
            if (f != null) f.end(1, "connection lost: " + error.getMessage());
        }
    }
}
