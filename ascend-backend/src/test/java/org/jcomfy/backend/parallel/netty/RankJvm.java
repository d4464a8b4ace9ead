package org.jcomfy.backend.parallel.netty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RankProcess} in a JVM of its own: the `java` of the JDK running the tests, on the test
 * classpath. Its output is collected line by line so a test can wait for a step and, on failure,
 * show everything the rank printed.
 */
final class RankJvm implements AutoCloseable {
    final int rank;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    RankJvm(int port, int rank, int size, Duration timeout, String scenario) throws IOException {
        this(List.of(), "127.0.0.1", port, rank, size, timeout, scenario);
    }

    /** A rank whose command starts with {@code prefix} (say, {@code ip netns exec NAME}) and that finds rank 0 at {@code host}. */
    RankJvm(List<String> prefix, String host, int port, int rank, int size, Duration timeout, String scenario) throws IOException {
        this.rank = rank;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RankProcess.class.getName(), host, String.valueOf(port), String.valueOf(rank), String.valueOf(size),
                String.valueOf(timeout.toMillis()), scenario));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.ofPlatform().daemon().name("rank-" + rank + "-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process is gone; what it printed is kept
            }
        });
    }

    /** Waits for a line that starts with {@code prefix}; returns it, or fails with everything printed so far. */
    String awaitLine(String prefix, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (lines) {
            while (true) {
                for (String l : lines) if (l.startsWith(prefix)) return l;
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("rank " + rank + " did not print \"" + prefix + "\" within " + within + "; it printed " + output());
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, 100_000_000L));
            }
        }
    }

    /** The exit code, waiting at most {@code within}. */
    int exitCode(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("rank " + rank + " is still running; it printed " + output());
        return process.exitValue();
    }

    /** SIGKILL: the rank dies without a word, as a crashed or OOM-killed worker does. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
