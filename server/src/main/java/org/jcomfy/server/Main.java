package org.jcomfy.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Entry point of the launcher's sub-commands: serve, run, tensors, bench. */
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
        return switch (cmd) {
            case "serve" -> serve(rest);
            case "run", "tensors", "bench" -> {
                System.err.println("jcomfy: '" + cmd + "' is not available yet in this build");
                yield 2;
            }
            default -> {
                System.err.println("jcomfy: unknown command '" + cmd + "' (commands: serve, run, tensors, bench)");
                yield 2;
            }
        };
    }

    /** Parses the flags, starts the server and blocks until the process is stopped; returns the exit code. */
    static int serve(String[] args) throws InterruptedException {
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
        if (options.verbose()) System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        List<String> argv = new ArrayList<>(List.of("jcomfy", "serve"));
        argv.addAll(List.of(args));
        JcomfyServer server;
        try {
            server = JcomfyServer.start(options, org.jcomfy.nodes.api.NodeRegistry.load(), argv);
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
