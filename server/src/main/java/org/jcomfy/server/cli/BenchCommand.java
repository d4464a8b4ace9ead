package org.jcomfy.server.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.nodes.models.wan.dit.WanDitBenchmark;

/**
 * {@code jcomfy bench dit [--layers N --dtype bf16|f32 ...]}: one DiT forward at the 1.3B
 * architecture with random weights. {@code jcomfy bench e2e [WORKFLOW]}: the demo workflow end to
 * end (server, WebSocket, sampling, decoding, encoding), reporting wall time, seconds per sampling
 * step and the process's peak resident memory. Neither runs in {@code ./jcomfy test}.
 */
public final class BenchCommand {
    private BenchCommand() {}

    /** Runs with the device set up as {@code backend} says. */
    public static int run(String[] args, PrintStream err, BackendOptions backend) throws Exception {
        String what = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (what) {
            case "dit" -> {
                WanDitBenchmark.run(rest, backend);
                return 0;
            }
            case "cache" -> {
                org.jcomfy.nodes.acceleration.CacheSpeedBenchmark.run(rest, backend);
                return 0;
            }
            case "e2e" -> {
                return endToEnd(rest.length > 0 ? rest[0] : "workflows/text_to_video_demo.json", err, backend);
            }
            default -> {
                err.println("usage: jcomfy bench dit [--layers N] [--dtype bf16|f32] [--latent FxHxW]\n"
                        + "       jcomfy bench cache [--steps 20] [--latent 3x16x16] [--layers 30] [--cfg 5]\n"
                        + "       jcomfy bench e2e [WORKFLOW.json]   (default workflows/text_to_video_demo.json)");
                return 2;
            }
        }
    }

    private static int endToEnd(String workflow, PrintStream err, BackendOptions backend) throws Exception {
        Path base = Files.createTempDirectory("jcomfy-bench-");
        List<Long> steps = new ArrayList<>();
        long start = System.nanoTime();
        int code = RunCommand.run(new String[] {workflow, "--base-directory", base.toString()}, System.out, err, backend, steps);
        double total = (System.nanoTime() - start) / 1e9;
        if (code != 0) return code;
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < steps.size(); i++) gaps.add((steps.get(i) - steps.get(i - 1)) / 1e9);
        gaps.sort(Double::compare);
        System.out.printf("e2e: %s: %.1f s wall (incl. demo model generation and server start), %d progress events, "
                        + "median %.3f s between events, peak RSS %d MiB%n",
                workflow, total, steps.size(), gaps.isEmpty() ? 0 : gaps.get(gaps.size() / 2), peakRssMiB());
        return 0;
    }

    /** VmHWM from /proc: the most resident memory the process has held. */
    private static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (Exception ignored) {
            // not Linux: no figure
        }
        return -1;
    }
}
