package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.ServerOptionsParser;
import org.jcomfy.server.UsageException;
import org.jcomfy.server.http.Json;

/**
 * {@code jcomfy run WORKFLOW.json [--set NODE.INPUT=VALUE]... [--out DIR] [serve flags]}: runs a
 * saved workflow (UI or API format) headless. It starts the real server on a free local port and
 * drives it exactly as the frontend would, over HTTP and the WebSocket, drawing sampling progress
 * as a terminal bar. {@code --set} changes widget values first ({@link PromptOverrides});
 * {@code --out} is where the outputs go (the server's {@code --output-directory}).
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
        List<String> flags = new ArrayList<>();
        PromptOverrides overrides = PromptOverrides.none();
        ServerOptions options;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--set") || a.equals("--out")) {
                    if (i + 1 == args.length) throw new UsageException(a + " needs a value");
                    String v = args[++i];
                    if (a.equals("--set")) overrides = overrides.with(PromptOverrides.parse(v));
                    else flags.addAll(List.of("--output-directory", v));
                } else if (workflowFile == null && !a.startsWith("-")) {
                    workflowFile = Path.of(a);
                } else {
                    flags.add(a);
                }
            }
            if (workflowFile == null) {
                err.println("usage: jcomfy run WORKFLOW.json [--set NODE.INPUT=VALUE]... [--out DIR] [serve flags, e.g. --base-directory DIR]");
                return 2;
            }
            options = headlessOptions(flags);
        } catch (UsageException | ServerOptionsParser.HelpRequested e) {
            err.println("jcomfy run: " + e.getMessage());
            return 2;
        }
        JsonNode workflow;
        try {
            workflow = readWorkflow(workflowFile);
        } catch (Exception e) {
            err.println("jcomfy run: cannot read " + workflowFile + ": " + e.getMessage());
            return 2;
        }
        try (HeadlessServer server = HeadlessServer.start(options, List.of("jcomfy", "run"), backend, out)) {
            ObjectNode prompt = server.apiPrompt(workflow);
            try {
                overrides.applyTo(prompt);
            } catch (UsageException e) {
                err.println("jcomfy run: " + e.getMessage());
                return 2;
            }
            // The UI graph embedded in saved files is the file as saved; the prompt beside it holds the overrides.
            HeadlessServer.PromptRun run = server.run(prompt,
                    UiWorkflowConverter.isUiWorkflow(workflow) ? workflow : null, "", e -> {
                        if (e.type().equals("progress")) progressTimes.add(e.nanos());
                        if (e.type().equals("executed")) {
                            for (JsonNode f : e.data().path("output").path("images")) out.println("saved " + savedPath(options, f));
                        }
                    });
            if (!run.succeeded()) err.println("jcomfy run: " + run.error());
            return run.exitCode();
        }
    }

    /** Where a file a node reported lies on disk (the output or temp folder the server was given). */
    static Path savedPath(ServerOptions options, JsonNode file) {
        Path folder = file.path("type").asText().equals("temp") ? options.tempDirectory() : options.outputDirectory();
        String sub = file.path("subfolder").asText();
        return (sub.isEmpty() ? folder : folder.resolve(sub)).resolve(file.path("filename").asText());
    }

    /** The serve flags of a headless command, on a free port unless {@code flags} name one. */
    static ServerOptions headlessOptions(List<String> flags) throws UsageException, ServerOptionsParser.HelpRequested {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(flags);
        return new ServerOptionsParser(Path.of("")).parse(all.toArray(String[]::new));
    }

    /** A workflow file as JSON (UI or API format, not yet told apart). */
    static JsonNode readWorkflow(Path file) throws Exception {
        return Json.MAPPER.readTree(Files.readString(file));
    }
}
