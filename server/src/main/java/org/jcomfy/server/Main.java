package org.jcomfy.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.server.cli.BenchCommand;
import org.jcomfy.server.cli.CacheSearchCommand;
import org.jcomfy.server.cli.RunCommand;
import org.jcomfy.server.cli.TensorsCommand;

/** Entry point of the launcher's sub-commands: serve, run, cache-search, tensors, bench. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        int code = dispatch(args);
        if (code != 0) System.exit(code);
    }

    /** Runs one sub-command and returns its exit status ({@code serve} returns only once stopped). */
    static int dispatch(String[] args) throws InterruptedException {
        String cmd = args.length == 0 ? "serve" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        BackendOptions backend;   // the -Djcomfy.* switches, read here once for every sub-command
        try {
            backend = BackendOptions.fromSystemProperties();
        } catch (IllegalArgumentException e) {
            System.err.println("jcomfy: " + e.getMessage());
            return 2;
        }
        return switch (cmd) {
            case "serve" -> serve(rest, backend);
            case "run" -> runCommand(() -> RunCommand.run(rest, System.out, System.err, backend));
            case "cache-search" -> runCommand(() -> CacheSearchCommand.run(rest, System.out, System.err, backend));
            case "tensors" -> runCommand(() -> TensorsCommand.run(rest, System.err, backend));
            case "bench" -> runCommand(() -> BenchCommand.run(rest, System.err, backend));
            default -> {
                System.err.println("jcomfy: unknown command '" + cmd + "' (commands: serve, run, cache-search, tensors, bench)");
                yield 2;
            }
        };
    }

    private interface Command {
        int call() throws Exception;
    }

    /** A sub-command's failure becomes one line on stderr and exit code 1, not a stack trace. */
    private static int runCommand(Command c) {
        try {
            return c.call();
        } catch (Exception e) {
            System.err.println("jcomfy: " + e.getMessage());
            return 1;
        }
    }

    /** Parses the flags, starts the server and blocks until the process is stopped; returns the exit code. */
    static int serve(String[] args, BackendOptions backend) throws InterruptedException {
        ServerOptions options;
        try {
            options = new ServerOptionsParser(Path.of("")).parse(args);
        } catch (ServerOptionsParser.HelpRequested h) {
            System.out.print(ServerOptionsParser.USAGE);
            return 0;
        } catch (UsageException e) {
            System.err.println("jcomfy serve: " + e.getMessage());
            System.err.println();
            System.err.print(ServerOptionsParser.USAGE);
            return 2;
        }
        try {
            DemoModels.ensure(options.baseDirectory().resolve("models"), System.out);
        } catch (java.io.IOException e) {
            System.err.println("jcomfy serve: cannot write the demo models: " + e.getMessage());
        }
        if (options.verbose()) System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        List<String> argv = new ArrayList<>(List.of("jcomfy", "serve"));
        argv.addAll(List.of(args));
        JcomfyServer server;
        try {
            server = JcomfyServer.start(options, CustomNodes.load(options.baseDirectory().resolve("custom_nodes")), argv, backend);
        } catch (RuntimeException e) {
            System.err.println("jcomfy serve: " + e.getMessage());
            return 1;
        }
        String shown = options.listen().equals("0.0.0.0") ? "127.0.0.1" : options.listen();
        System.out.println("jcomfy: " + server.runtime().nodes().all().size() + " nodes; serving on http://"
                + shown + ":" + server.port() + (options.frontEndRoot() == null ? " (no --front-end-root: / explains how to add the frontend)" : ""));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jcomfy-shutdown"));
        stopped.await();
        return 0;
    }
}
