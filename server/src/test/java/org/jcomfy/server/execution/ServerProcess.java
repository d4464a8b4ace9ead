package org.jcomfy.server.execution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jcomfy.server.TestClient;

/**
 * {@code jcomfy serve} in a separate JVM, as the launcher starts it ({@code Main serve} with the
 * launcher's JVM flags), on the test class path so the test nodes are there. For tests where the
 * process itself matters: a kill, a restart, its resident memory.
 */
final class ServerProcess extends TestClient implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving on http://[^:]+:(\\d+)");

    final Process process;
    final int port;
    private final List<String> output;

    private ServerProcess(Process process, int port, List<String> output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    @Override public int port() { return port; }

    /** What the process printed so far (for failure messages). */
    String log() {
        synchronized (output) { return String.join("\n", output); }
    }

    /** Starts {@code jcomfy serve --base-directory BASE --port 0 ARGS} and waits until it listens. */
    static ServerProcess start(Path base, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.jcomfy.server.Main", "serve",
                "--base-directory", base.toString(), "--port", "0"));
        command.addAll(List.of(args));
        Files.createDirectories(base);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread.ofPlatform().daemon().name("server-process-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) { lines.add(line); }
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) listening.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            listening.completeExceptionally(new IllegalStateException("the server exited before it listened"));
        });
        try {
            return new ServerProcess(p, listening.get(120, TimeUnit.SECONDS), lines);
        } catch (Exception e) {
            p.destroyForcibly();
            synchronized (lines) { throw new AssertionError("the server did not start: " + String.join("\n", lines), e); }
        }
    }

    long pid() { return process.pid(); }

    /** Polls /queue until {@code promptId} is the running prompt. */
    void awaitRunning(String promptId) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (getJson("/queue").at("/queue_running/0/1").asText().equals(promptId)) return;
            Thread.sleep(20);
        }
        throw new AssertionError("prompt " + promptId + " never started");
    }

    /** The process's resident set size in KiB, from {@code /proc/PID/status}. */
    long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** SIGKILL, as a crash or {@code kill -9} would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the shutdown hook closes the server
            if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
        }
    }
}
