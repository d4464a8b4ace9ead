package org.jcomfy.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;

/**
 * The real jcomfy server ({@link JcomfyServer}: every route, the executor, {@code /ws}) on a free
 * port, with {@link TestClient}'s calls to talk to it. Options are {@code jcomfy serve} flags, parsed as the
 * command line parses them, so a test starts the server the way a user does. Close it at the end.
 */
public final class TestServer extends TestClient implements AutoCloseable {
    public final Path base;
    public final JcomfyServer server;
    public final NodeEnvironment environment;
    private final boolean ownsBase;

    private TestServer(Path base, JcomfyServer server, boolean ownsBase) {
        this.base = base;
        this.server = server;
        this.environment = server.runtime().environment();
        this.ownsBase = ownsBase;
    }

    /** Every node on the class path (the built-ins and {@link TestNodes}), a fresh temp base, then {@code flags}. */
    public static TestServer start(String... flags) {
        return start(NodeRegistry.load(), flags);
    }

    /** Only {@code nodes}, a fresh temp base directory (deleted on close), then {@code flags}. */
    public static TestServer start(NodeRegistry nodes, String... flags) {
        try {
            return start(Files.createTempDirectory("jcomfy-test"), true, nodes, flags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server on an existing base directory that close() leaves in place, so a second server can
     * start on what the first one left behind (restart tests).
     */
    public static TestServer startIn(Path base, String... flags) {
        return start(base, false, NodeRegistry.load(), flags);
    }

    private static TestServer start(Path base, boolean ownsBase, NodeRegistry nodes, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--base-directory", base.toString()));
        args.addAll(List.of(flags));
        ServerOptions options;
        try {
            options = new ServerOptionsParser(base).parse(args.toArray(String[]::new));
        } catch (UsageException | ServerOptionsParser.HelpRequested e) {
            throw new IllegalArgumentException("bad test flags " + args + ": " + e.getMessage(), e);
        }
        List<String> argv = new ArrayList<>(List.of("jcomfy", "serve"));
        argv.addAll(args);
        return new TestServer(base, JcomfyServer.start(options, nodes, argv), ownsBase);
    }

    @Override public int port() { return server.port(); }

    @Override
    public void close() {
        server.close();
        if (!ownsBase) return;
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
