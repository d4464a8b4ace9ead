package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jcomfy.server.cli.CacheSetting.StepSchedule;
import org.jcomfy.server.http.Json;

/**
 * Which settings the cache search runs, and which one it recommends. After the uncached baseline
 * and a control (a cache that computes every step: it must match the baseline exactly, and its
 * report gives the DiT's block count), each policy runs its settings, and a second control ends
 * the search. Speed-ups are against the fastest of these three uncached-equivalent runs, so the
 * first runs' warm-up (JIT, page cache) does not pass for a cache's gain:
 *
 * <ul>
 *   <li>{@code dit_block_cache}: MindIE's search. The step schedule is fixed; for a growing number
 *       of cached blocks L the block ranges of that length (block 0 always computes, as MindIE's
 *       scan starts at 1) are run and ranked by the latent MSE against the baseline, and the search
 *       stops at the first L where a range reaches the target speed-up. It starts at the smallest L
 *       whose ideal speed-up {@code 1 / (1 - reused/steps * L/blocks)} (every block's work saved,
 *       nothing else) reaches the target: fewer blocks cannot.</li>
 *   <li>{@code attention_cache}: step_interval 2, 3, 4 from 20% and 40% of the steps, all blocks.</li>
 *   <li>{@code easycache}, {@code lazycache}: reuse_threshold 0.05, 0.1, 0.2, 0.4.</li>
 *   <li>{@code teacache}: rel_l1_thresh 0.03, 0.05, 0.08, 0.12 (the port recommends 0.05..0.08 for 1.3B).</li>
 * </ul>
 *
 * {@code --blocks} replaces the block ranges of the two DiTCache methods, {@code --values} the
 * thresholds of the others; every policy stops after {@code --max-runs} settings.
 */
final class CacheSearch {
    /** At most this many ranges of one length in the block-range scan, spread over the possible starts. */
    static final int RANGES_PER_LENGTH = 8;

    enum Policy {
        DIT_BLOCK_CACHE, ATTENTION_CACHE, EASYCACHE, LAZYCACHE, TEACACHE;

        String flag() { return name().toLowerCase(Locale.ROOT); }

        static Policy of(String flag) {
            for (Policy p : values()) if (p.flag().equals(flag)) return p;
            throw new IllegalArgumentException("unknown policy '" + flag + "' (dit_block_cache, attention_cache, easycache, "
                    + "lazycache, teacache)");
        }

        boolean isDitCache() { return this == DIT_BLOCK_CACHE || this == ATTENTION_CACHE; }
    }

    /** What the command line asked for; null step knobs mean MindIE's schedule scaled to the steps. */
    record Options(Policy policy, double targetSpeedup, double minPsnr, List<int[]> blocks, Integer stepStart,
                   Integer stepInterval, Integer stepEnd, List<Double> values, int maxRuns) {}

    /** The rows in run order, the block-range scan per length, and the recommendation. */
    record Result(List<SearchRow> rows, Integer ditBlocks, StepSchedule schedule, ArrayNode scan, SearchRow recommended,
                  String recommendation) {}

    private final CacheRuns runs;
    private final Options o;
    private final int steps;
    private final PrintStream out;
    private final List<SearchRow> rows = new ArrayList<>();
    private final ArrayNode scan = Json.MAPPER.createArrayNode();
    private final Set<String> tried = new LinkedHashSet<>();
    private double referenceSeconds;
    private int searchRuns;

    private CacheSearch(CacheRuns runs, Options o, int steps, PrintStream out) {
        this.runs = runs;
        this.o = o;
        this.steps = steps;
        this.out = out;
    }

    static Result run(CacheRuns runs, Options o, int steps, PrintStream out) throws InterruptedException {
        return new CacheSearch(runs, o, steps, out).search();
    }

    private Result search() throws InterruptedException {
        StepSchedule schedule = schedule();
        List<CacheSetting> fixed = fixedSettings(null);
        String count = fixed != null ? Integer.toString(3 + Math.min(fixed.size(), o.maxRuns()))
                : "at most " + (3 + o.maxRuns());
        out.println("cache-search: " + o.policy().flag() + ", " + steps + " steps"
                + (o.policy().isDitCache() ? ", " + schedule : "") + "; " + count
                + " runs (baseline, control, the search, control again); target " + o.targetSpeedup() + "x, PSNR >= "
                + o.minPsnr() + " dB");
        runs.planned(count.replace("at most ", "<="));
        SearchRow baseline = runs.baseline();
        rows.add(baseline);
        report(baseline);
        if (!baseline.ok()) return new Result(rows, null, schedule, scan, null, "the uncached baseline failed: " + baseline.error());
        referenceSeconds = baseline.seconds();
        SearchRow control = runs.measure("control", CacheSetting.control(steps, false));
        if (control.ok()) referenceSeconds = Math.min(referenceSeconds, control.seconds());
        rows.set(0, baseline.withSpeedup(referenceSeconds));
        rows.add(control.withSpeedup(referenceSeconds));
        report(rows.getLast());
        Integer blocks = control.ok() ? blockCount(control.report()) : null;
        if (blocks != null) out.println("the DiT has " + blocks + " blocks");

        if (o.policy().isDitCache() && blocks == null) {
            return finish(blocks, schedule, "the block count is unknown (the control run "
                    + (control.ok() ? "sent no cache report" : "failed") + "), so no block range can be chosen");
        }
        List<CacheSetting> settings = fixedSettings(blocks);
        if (settings == null) {
            scanBlockRanges(blocks, schedule);
        } else {
            runs.planned(Integer.toString(3 + Math.min(settings.size(), o.maxRuns())));
            for (CacheSetting s : settings) if (!measure(s)) break;
        }
        SearchRow again = runs.measure("control", CacheSetting.control(steps, true));
        rows.add(again);
        report(again);
        if (again.ok()) referenceSeconds = Math.min(referenceSeconds, again.seconds());
        rows.replaceAll(r -> r.withSpeedup(referenceSeconds));
        return finish(blocks, schedule, null);
    }

    private StepSchedule schedule() {
        StepSchedule d = StepSchedule.scaledDefault(steps);
        return new StepSchedule(o.stepStart() != null ? o.stepStart() : d.start(),
                o.stepInterval() != null ? o.stepInterval() : d.interval(), o.stepEnd() != null ? o.stepEnd() : d.end());
    }

    /**
     * The settings of a fixed list (every policy but the automatic block-range scan, which returns
     * null). Before the block count is known it only serves to count them.
     */
    private List<CacheSetting> fixedSettings(Integer blocks) {
        List<CacheSetting> s = new ArrayList<>();
        StepSchedule schedule = schedule();
        String method = o.policy() == Policy.ATTENTION_CACHE ? "attention_cache" : "dit_block_cache";
        switch (o.policy()) {
            case DIT_BLOCK_CACHE, ATTENTION_CACHE -> {
                if (!o.blocks().isEmpty()) {
                    for (int[] r : o.blocks()) s.add(CacheSetting.ditCache(method, schedule, r[0], r[1], rangeLabel(method, r[0], r[1])));
                } else if (o.policy() == Policy.DIT_BLOCK_CACHE) {
                    return null;
                } else {
                    Set<Integer> starts = new LinkedHashSet<>(List.of((int) Math.round(0.2 * steps), (int) Math.round(0.4 * steps)));
                    for (int start : starts) {
                        for (int interval = 2; interval <= 4; interval++) {
                            StepSchedule st = new StepSchedule(start, interval, Math.max(start, schedule.end()));
                            int end = blocks == null ? 1 : blocks;
                            s.add(CacheSetting.ditCache(method, st, 0, end, "attention " + st));
                        }
                    }
                }
            }
            case EASYCACHE, LAZYCACHE -> {
                String node = o.policy() == Policy.EASYCACHE ? "EasyCache" : "LazyCache";
                for (double v : o.values().isEmpty() ? List.of(0.05, 0.1, 0.2, 0.4) : o.values()) s.add(CacheSetting.easyCache(node, v));
            }
            case TEACACHE -> {
                // The published coefficients by size: 14B has 40 blocks, 1.3B (and the demo model) fewer.
                String type = blocks != null && blocks >= 40 ? "wan2.1_t2v_14B" : "wan2.1_t2v_1.3B";
                for (double v : o.values().isEmpty() ? List.of(0.03, 0.05, 0.08, 0.12) : o.values()) s.add(CacheSetting.teaCache(type, v));
            }
        }
        return s;
    }

    /** MindIE's scan: for L = L0, L0+1, ... the ranges of L blocks from block 1 on, ranked by latent MSE. */
    private void scanBlockRanges(int blocks, StepSchedule schedule) throws InterruptedException {
        int reused = schedule.reusedSteps(steps);
        if (reused == 0 || blocks < 2) {
            scanNote(reused == 0 ? "the step schedule (" + schedule + ") reuses no step of " + steps
                    : "the DiT has " + blocks + " block: nothing to cache after block 0");
            return;
        }
        double fraction = (double) reused / steps;
        int first = blocks - 1;
        for (int l = 1; l < blocks; l++) {
            if (idealSpeedup(fraction, l, blocks) >= o.targetSpeedup()) {
                first = l;
                break;
            }
        }
        int bound = 0;
        for (int l = first; l < blocks; l++) bound += Math.min(RANGES_PER_LENGTH, blocks - l);
        bound = Math.min(bound, o.maxRuns());
        out.printf(Locale.ROOT, "%d of %d steps reuse; ranges of %d+ blocks can reach %.2fx at best (%d blocks: %.2fx);"
                        + " at most %d runs in all%n", reused, steps, first, o.targetSpeedup(), blocks - 1,
                idealSpeedup(fraction, blocks - 1, blocks), 3 + bound);
        runs.planned("<=" + (3 + bound));
        for (int l = first; l < blocks && searchRuns < o.maxRuns(); l++) {
            List<SearchRow> ofLength = new ArrayList<>();
            for (int start : spread(1, blocks - l, Math.min(RANGES_PER_LENGTH, o.maxRuns() - searchRuns))) {
                CacheSetting s = CacheSetting.ditCache("dit_block_cache", schedule, start, start + l,
                        rangeLabel("dit_block_cache", start, start + l));
                measure(s);
                ofLength.add(rows.getLast());
            }
            List<SearchRow> ranked = ofLength.stream().filter(SearchRow::ok)
                    .sorted(Comparator.comparingDouble(SearchRow::latentMse)).toList();
            boolean reached = ranked.stream().anyMatch(r -> r.reaches(o.targetSpeedup()));
            ObjectNode length = scan.addObject();
            length.put("cached_blocks", l);
            length.put("ideal_speedup", round(idealSpeedup(fraction, l, blocks)));
            ArrayNode order = length.putArray("ranges_by_latent_mse");
            ranked.forEach(r -> order.add(r.label()));
            length.put("reached_target", reached);
            if (reached) break;
        }
        if (searchRuns >= o.maxRuns() && (scan.isEmpty() || !scan.get(scan.size() - 1).path("reached_target").asBoolean())) {
            scanNote("stopped after --max-runs " + o.maxRuns() + " settings");
        }
    }

    /** Runs one setting (once: a repeat would come from the server's cache); false once the run budget is spent. */
    private boolean measure(CacheSetting s) throws InterruptedException {
        if (searchRuns >= o.maxRuns()) return false;
        String key = s.classType() + s.knobs();
        if (!tried.add(key)) return true;
        searchRuns++;
        SearchRow row = runs.measure("search", s).withSpeedup(referenceSeconds);
        rows.add(row);
        report(row);
        return true;
    }

    private Result finish(Integer blocks, StepSchedule schedule, String failure) {
        if (failure != null) return new Result(rows, blocks, schedule, scan, null, failure);
        List<SearchRow> good = rows.stream().filter(r -> r.role().equals("search") && r.meetsPsnr(o.minPsnr()))
                .toList();
        List<SearchRow> reaching = good.stream().filter(r -> r.reaches(o.targetSpeedup())).toList();
        String psnr = "PSNR >= " + o.minPsnr() + " dB";
        if (!reaching.isEmpty()) {
            // Among those fast enough, the closest to the baseline: MindIE's rule (fewest blocks, least error).
            SearchRow best = reaching.stream().min(Comparator.comparingDouble(SearchRow::latentMse)
                    .thenComparing(Comparator.comparingDouble(SearchRow::speedup).reversed())).orElseThrow();
            return new Result(rows, blocks, schedule, scan, best, "reaches the target " + o.targetSpeedup()
                    + "x with the lowest latent MSE of the " + reaching.size() + " settings that do (" + psnr + ")");
        }
        if (!good.isEmpty()) {
            SearchRow fastest = good.stream().max(Comparator.comparingDouble(r -> r.speedup() == null ? 0 : r.speedup()))
                    .orElseThrow();
            return new Result(rows, blocks, schedule, scan, fastest, "no setting reached the target " + o.targetSpeedup()
                    + "x; this is the fastest with " + psnr);
        }
        return new Result(rows, blocks, schedule, scan, null, "no setting ran with " + psnr);
    }

    private void report(SearchRow r) {
        if (r.ok()) {
            out.printf(Locale.ROOT, "  %s: %.3f s%s%s%n", r.label(), r.seconds(),
                    r.speedup() == null ? "" : String.format(Locale.ROOT, ", %.2fx", r.speedup()),
                    r.psnr() == null ? "" : r.psnr().isInfinite() ? ", identical frames"
                            : String.format(Locale.ROOT, ", PSNR %.2f dB", r.psnr()));
        } else {
            out.println("  " + r.label() + ": failed: " + r.error().lines().findFirst().orElse(""));
        }
    }

    private void scanNote(String note) {
        out.println("cache-search: " + note);
        scan.addObject().put("note", note);
    }

    /**
     * The block count, from the control's report: each model call of a cached run counts every
     * block once, as computed or reused.
     */
    static Integer blockCount(JsonNode report) {
        if (report == null) return null;
        for (JsonNode b : report.path("branches")) {
            int calls = b.path("steps_computed").asInt() + b.path("steps_reused").asInt();
            if (calls > 0) return (b.path("blocks_computed").asInt() + b.path("blocks_reused").asInt()) / calls;
        }
        return null;
    }

    /** The speed-up if the sampler's time were all in the blocks and a reused step cost nothing for the cached ones. */
    static double idealSpeedup(double reusedFraction, int cachedBlocks, int blocks) {
        return 1 / (1 - reusedFraction * cachedBlocks / blocks);
    }

    /** Up to {@code n} values from {@code from..to}, evenly spread, both ends included. */
    static List<Integer> spread(int from, int to, int n) {
        int count = to - from + 1;
        if (n <= 0 || count <= 0) return List.of();
        if (count <= n) {
            List<Integer> all = new ArrayList<>();
            for (int i = from; i <= to; i++) all.add(i);
            return all;
        }
        Set<Integer> picked = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) picked.add(from + (int) Math.round((double) i * (count - 1) / Math.max(1, n - 1)));
        return List.copyOf(picked);
    }

    private static String rangeLabel(String method, int start, int end) {
        return (method.equals("attention_cache") ? "attention" : "blocks") + " [" + start + "," + end + ")";
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }
}
