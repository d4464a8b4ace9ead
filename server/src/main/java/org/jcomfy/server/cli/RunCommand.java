package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.CustomNodes;
import org.jcomfy.server.JcomfyServer;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.ServerOptionsParser;
import org.jcomfy.server.UsageException;
import org.jcomfy.server.http.Json;

/**
 * {@code jcomfy run WORKFLOW.json [serve flags]}: runs a saved workflow (UI or API format)
 * headless. It starts the real server on a free local port and drives it exactly as the frontend
 * would, over HTTP and the WebSocket, drawing sampling progress as a terminal bar.
 */
public final class RunCommand {

    private RunCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err, BackendOptions backend) throws Exception {
        return run(args, out, err, backend, new ArrayList<>());
    }

    /** As {@link #run(String[], PrintStream, PrintStream, BackendOptions)}, adding the time (ns) of each progress event to {@code progressTimes}. */
    public static int run(String[] args, PrintStream out, PrintStream err, BackendOptions backend, List<Long> progressTimes)
            throws Exception {
        Path workflowFile = null;
        List<String> flags = new ArrayList<>(List.of("--port", "0"));
        for (String a : args) {
            if (workflowFile == null && !a.startsWith("-")) workflowFile = Path.of(a); else flags.add(a);
        }
        if (workflowFile == null) {
            err.println("usage: jcomfy run WORKFLOW.json [serve flags, e.g. --base-directory DIR]");
            return 2;
        }
        ServerOptions options;
        try {
            options = new ServerOptionsParser(Path.of("")).parse(flags.toArray(String[]::new));
        } catch (UsageException | ServerOptionsParser.HelpRequested e) {
            err.println("jcomfy run: " + e.getMessage());
            return 2;
        }
        JsonNode workflow;
        try {
            workflow = Json.MAPPER.readTree(Files.readString(workflowFile));
        } catch (Exception e) {
            err.println("jcomfy run: cannot read " + workflowFile + ": " + e.getMessage());
            return 2;
        }
        DemoModels.ensure(options.baseDirectory().resolve("models"), out);
        NodeRegistry registry = CustomNodes.load(options.baseDirectory().resolve("custom_nodes"));
        ObjectNode body = Json.object();
        String clientId = UUID.randomUUID().toString();
        body.put("client_id", clientId);
        if (UiWorkflowConverter.isUiWorkflow(workflow)) {
            body.set("prompt", new UiWorkflowConverter(registry).convert(workflow));
            body.putObject("extra_data").putObject("extra_pnginfo").set("workflow", workflow);
        } else {
            body.set("prompt", workflow);
        }
        try (JcomfyServer server = JcomfyServer.start(options, registry, List.of("jcomfy", "run"), backend)) {
            return submitAndFollow(server.port(), clientId, body, out, err, progressTimes);
        }
    }

    private static int submitAndFollow(int port, String clientId, ObjectNode body, PrintStream out, PrintStream err,
                                       List<Long> progressTimes) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Events events = new Events(out, err, progressTimes, body.get("prompt"));
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?clientId=" + clientId), events).join();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/prompt"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        if (response.statusCode() != 200) {
            err.println("jcomfy run: the prompt was rejected: " + answer.path("error").path("message").asText());
            answer.path("node_errors").properties().forEach(e -> {
                for (JsonNode error : e.getValue().path("errors")) {
                    err.println("  node " + e.getKey() + " (" + e.getValue().path("class_type").asText() + "): "
                            + error.path("message").asText() + ": " + error.path("details").asText());
                }
            });
            ws.abort();
            return 1;
        }
        events.promptId = answer.path("prompt_id").asText();
        int code = events.done.join();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        return code;
    }

    /** Follows one prompt's WebSocket events and completes {@link #done} with the exit code. */
    private static final class Events implements WebSocket.Listener {
        private final PrintStream out, err;
        private final ProgressBar bar;
        private final List<Long> progressTimes;
        private final JsonNode prompt;
        private final StringBuilder text = new StringBuilder();
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        volatile String promptId;
        private String currentNode = "";

        Events(PrintStream out, PrintStream err, List<Long> progressTimes, JsonNode prompt) {
            this.progressTimes = progressTimes;
            this.prompt = prompt;
            this.out = out;
            this.err = err;
            this.bar = new ProgressBar(out);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    handle(Json.MAPPER.readTree(text.toString()));
                } catch (Exception e) {
                    done.complete(1);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void handle(JsonNode msg) {
            JsonNode data = msg.path("data");
            String type = msg.path("type").asText();
            if (promptId != null && data.has("prompt_id") && !promptId.equals(data.path("prompt_id").asText())) return;
            switch (type) {
                case "executing" -> {
                    if (data.path("node").isNull()) {
                        bar.finish();
                        done.complete(0);
                    } else {
                        String id = data.path("node").asText();
                        currentNode = prompt.path(id).path("class_type").asText("node") + " #" + id;
                    }
                }
                case "progress" -> {
                    progressTimes.add(System.nanoTime());
                    bar.show(currentNode, data.path("value").asLong(), data.path("max").asLong());
                }
                case "executed" -> {
                    bar.finish();
                    for (JsonNode f : data.path("output").path("images")) {
                        String sub = f.path("subfolder").asText();
                        out.println("saved " + f.path("type").asText() + "/" + (sub.isEmpty() ? "" : sub + "/") + f.path("filename").asText());
                    }
                }
                case "execution_error" -> {
                    bar.finish();
                    err.println("jcomfy run: node " + data.path("node_id").asText() + " (" + data.path("node_type").asText()
                            + ") failed: " + data.path("exception_message").asText());
                    done.complete(1);
                }
                case "execution_interrupted" -> {
                    bar.finish();
                    err.println("jcomfy run: interrupted");
                    done.complete(130);
                }
                default -> { }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            done.complete(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            err.println("jcomfy run: connection lost: " + error.getMessage());
            done.complete(1);
        }
    }
}
