package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.ServerOptionsParser;
import org.jcomfy.server.UsageException;
import org.jcomfy.server.cli.CacheSearch.Options;
import org.jcomfy.server.cli.CacheSearch.Policy;
import org.jcomfy.server.http.Json;

/**
 * {@code jcomfy cache-search WORKFLOW.json [--policy P] [--target-speedup X] [--min-psnr Y]
 * [--json OUT.json] [serve flags]}: runs the workflow uncached once, then with a cache node
 * between the MODEL and its sampler(s) for each setting {@link CacheSearch} picks, prints a table
 * of seconds, speed-up and error against the uncached run, writes it as JSON and names the
 * recommended setting. Drives the real server as {@code jcomfy run} does ({@link HeadlessServer}).
 */
public final class CacheSearchCommand {
    static final String USAGE = """
            usage: jcomfy cache-search WORKFLOW.json [options] [serve flags, e.g. --base-directory DIR]
              --policy P            dit_block_cache (default), attention_cache, easycache, lazycache, teacache
              --target-speedup X    the speed-up to reach (default 1.3, MindIE's cache_ratio)
              --min-psnr Y          the least PSNR of the decoded frames, dB (default 20)
              --json OUT.json       where the table goes (default OUTPUT/cache_search/<workflow>_<policy>.json)
              --blocks A-B,C-D      DiTCache block ranges to try (end exclusive) instead of the automatic scan
              --step-start N --step-interval N --step-end N
                                    the DiTCache step schedule (default: MindIE's 20..47 every 2nd of 50, scaled)
              --values V,W          the thresholds to try (easycache, lazycache, teacache)
              --max-runs N          at most N settings after the baseline and the control (default 24)
            """;

    private CacheSearchCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err, BackendOptions backend) throws Exception {
        Path workflowFile = null, json = null;
        List<String> serveFlags = new ArrayList<>();
        Options o;
        try {
            Policy policy = Policy.DIT_BLOCK_CACHE;
            double target = 1.3, minPsnr = 20;
            List<int[]> blocks = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            Integer stepStart = null, stepInterval = null, stepEnd = null;
            int maxRuns = 24;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--policy" -> policy = Policy.of(value(args, ++i, a));
                    case "--target-speedup" -> target = number(args, ++i, a);
                    case "--min-psnr" -> minPsnr = number(args, ++i, a);
                    case "--json" -> json = Path.of(value(args, ++i, a));
                    case "--blocks" -> blocks = ranges(value(args, ++i, a));
                    case "--values" -> {
                        for (String v : value(args, ++i, a).split(",")) values.add(parse(v, a));
                    }
                    case "--step-start" -> stepStart = count(args, ++i, a, 0);
                    case "--step-interval" -> stepInterval = count(args, ++i, a, 1);
                    case "--step-end" -> stepEnd = count(args, ++i, a, 0);
                    case "--max-runs" -> maxRuns = count(args, ++i, a, 1);
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> {
                        if (workflowFile == null && !a.startsWith("-")) workflowFile = Path.of(a); else serveFlags.add(a);
                    }
                }
            }
            if (workflowFile == null) throw new IllegalArgumentException("no workflow file given");
            if (!blocks.isEmpty() && !policy.isDitCache()) throw new IllegalArgumentException("--blocks is for dit_block_cache and attention_cache");
            if (!values.isEmpty() && policy.isDitCache()) throw new IllegalArgumentException("--values is for easycache, lazycache and teacache");
            o = new Options(policy, target, minPsnr, blocks, stepStart, stepInterval, stepEnd, values, maxRuns);
        } catch (IllegalArgumentException e) {
            err.println("jcomfy cache-search: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        ServerOptions options;
        try {
            options = RunCommand.headlessOptions(serveFlags);
        } catch (UsageException | ServerOptionsParser.HelpRequested e) {
            err.println("jcomfy cache-search: " + e.getMessage());
            return 2;
        }
        JsonNode workflow;
        try {
            workflow = RunCommand.readWorkflow(workflowFile);
        } catch (Exception e) {
            err.println("jcomfy cache-search: cannot read " + workflowFile + ": " + e.getMessage());
            return 2;
        }
        if (json == null) {
            String stem = workflowFile.getFileName().toString().replaceFirst("\\.json$", "");
            json = options.outputDirectory().resolve("cache_search").resolve(stem + "_" + o.policy().flag() + ".json");
        }
        try (HeadlessServer server = HeadlessServer.start(options, List.of("jcomfy", "cache-search"), backend, out)) {
            SearchPrompt prompt;
            try {
                prompt = SearchPrompt.of(server.apiPrompt(workflow), server.registry());
            } catch (IllegalArgumentException e) {
                err.println("jcomfy cache-search: " + e.getMessage());
                return 2;
            }
            if (prompt.steps() < 1) {
                err.println("jcomfy cache-search: the steps of sampler " + prompt.samplers().getFirst()
                        + " come through a link; the search needs them written in the workflow");
                return 2;
            }
            if (prompt.latentProbes().isEmpty()) {
                err.println("jcomfy cache-search: no sampler's latent is final (each feeds another sampler)");
                return 2;
            }
            CacheSearch.Result result = CacheSearch.run(new CacheRuns(server, prompt), o, prompt.steps(), out);
            printTable(result, out);
            ObjectNode doc = document(workflowFile, o, prompt, result);
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            out.println("wrote " + json);
            if (result.recommended() == null) {
                out.println("no recommendation: " + result.recommendation());
                return result.rows().getFirst().ok() ? 0 : 1;
            }
            out.println("recommended: " + result.recommended().setting().classType() + " " + result.recommended().label()
                    + " " + result.recommended().setting().knobs() + ": " + result.recommendation());
            return 0;
        }
    }

    private static void printTable(CacheSearch.Result r, PrintStream out) {
        int width = Math.max(7, r.rows().stream().mapToInt(row -> row.label().length()).max().orElse(0));
        String head = String.format(Locale.ROOT, "%-3s %-" + width + "s %9s %8s %9s %7s %11s", "#", "setting", "seconds",
                "speed-up", "PSNR dB", "SSIM", "latent MSE");
        out.println();
        out.println(head);
        out.println("-".repeat(head.length()));
        int n = 0;
        for (SearchRow row : r.rows()) {
            n++;
            String mark = row == r.recommended() ? "  <- recommended" : "";
            if (!row.ok()) {
                out.printf(Locale.ROOT, "%-3d %-" + width + "s   error: %s%n", n, row.label(), row.error().replace("\n", " "));
                continue;
            }
            out.printf(Locale.ROOT, "%-3d %-" + width + "s %9.3f %8s %9s %7s %11s%s%n", n, row.label(), row.seconds(),
                    row.speedup() == null ? "-" : String.format(Locale.ROOT, "%.2fx", row.speedup()),
                    row.psnr() == null ? "-" : row.psnr().isInfinite() ? "inf" : String.format(Locale.ROOT, "%.2f", row.psnr()),
                    row.ssim() == null ? "-" : String.format(Locale.ROOT, "%.4f", row.ssim()),
                    row.latentMse() == null ? "-" : String.format(Locale.ROOT, "%.3e", row.latentMse()), mark);
        }
        out.println();
    }

    private static ObjectNode document(Path workflowFile, Options o, SearchPrompt prompt, CacheSearch.Result r) {
        ObjectNode doc = Json.object();
        doc.put("workflow", workflowFile.toString());
        doc.put("policy", o.policy().flag());
        doc.put("target_speedup", o.targetSpeedup());
        doc.put("min_psnr_db", o.minPsnr());
        doc.set("samplers", Json.MAPPER.valueToTree(prompt.samplers()));
        doc.put("steps", prompt.steps());
        if (r.ditBlocks() != null) doc.put("dit_blocks", r.ditBlocks());
        if (o.policy().isDitCache()) {
            ObjectNode s = doc.putObject("step_schedule");
            s.put("step_start", r.schedule().start()).put("step_interval", r.schedule().interval()).put("step_end", r.schedule().end());
        }
        doc.put("seconds", "the samplers' time, from their executing event to the next one");
        doc.put("speedup", "against the fastest of the baseline and the two controls, which compute the same");
        doc.put("ssim", "on BT.601 luma, 11x11 Gaussian window (sigma 1.5), valid region, mean over frames");
        doc.set("rows", Json.MAPPER.valueToTree(r.rows().stream().map(SearchRow::toJson).toList()));
        if (!r.scan().isEmpty()) doc.set("block_scan", r.scan());
        doc.set("recommended", r.recommended() == null ? null : r.recommended().toJson());
        doc.put("recommendation", r.recommendation());
        return doc;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }

    private static double number(String[] args, int i, String flag) { return parse(value(args, i, flag), flag); }

    private static double parse(String v, String flag) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + v + "' is not a number");
        }
    }

    private static int count(String[] args, int i, String flag, int min) {
        String v = value(args, i, flag);
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) throw new IllegalArgumentException(flag + " must be at least " + min);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + v + "' is not a whole number");
        }
    }

    /** {@code "1-3,2-5"}: block ranges, end exclusive as DiTCache's {@code block_end}. */
    static List<int[]> ranges(String text) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] ends = part.trim().split("-");
            try {
                if (ends.length != 2) throw new NumberFormatException();
                ranges.add(new int[] {Integer.parseInt(ends[0].trim()), Integer.parseInt(ends[1].trim())});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--blocks: '" + part + "' is not START-END");
            }
        }
        return ranges;
    }
}
