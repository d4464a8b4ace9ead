package org.jcomfy.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One setting the cache search runs: the cache node's class, its knobs (every widget input, so the
 * prompt validates as saved from the frontend) and a short label for the table.
 */
record CacheSetting(String label, String classType, Map<String, Object> knobs) {

    /** A DiTCache ({@code dit_block_cache} or {@code attention_cache}); blocks {@code [blockStart, blockEnd)}. */
    static CacheSetting ditCache(String method, StepSchedule schedule, int blockStart, int blockEnd, String label) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("method", method);
        k.put("step_start", schedule.start());
        k.put("step_interval", schedule.interval());
        k.put("step_end", schedule.end());
        k.put("block_start", blockStart);
        k.put("block_end", blockEnd);
        return new CacheSetting(label, "DiTCache", k);
    }

    /**
     * A control: a DiTCache that is active but refreshes on every step (its only cacheable step,
     * the last, is a refresh step), so it computes exactly what the uncached run computes. Its
     * {@code jcomfy.cache_report} counts every block of every call, which gives the block count.
     * The search runs two, first and last, to time the uncached work before and after the JIT and
     * the caches have warmed up; {@code again} changes only the step interval (still refreshing
     * every step), so the server's output cache does not answer the second from the first.
     */
    static CacheSetting control(int steps, boolean again) {
        int last = Math.max(0, steps - 1);
        return ditCache("dit_block_cache", new StepSchedule(last, again ? 3 : 2, last), 0, 1,
                again ? "control again: refreshes every step" : "control: refreshes every step");
    }

    /** ComfyUI's EasyCache or LazyCache at {@code threshold}, with the nodes' default window (15%..95%). */
    static CacheSetting easyCache(String classType, double threshold) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("reuse_threshold", threshold);
        k.put("start_percent", 0.15);
        k.put("end_percent", 0.95);
        k.put("verbose", false);
        return new CacheSetting("reuse_threshold " + threshold, classType, k);
    }

    /** WanTeaCache at {@code threshold}, mode {@code e}, with the coefficients of {@code modelType}. */
    static CacheSetting teaCache(String modelType, double threshold) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("model_type", modelType);
        k.put("mode", "e");
        k.put("rel_l1_thresh", threshold);
        k.put("start_step", 0);
        k.put("end_step", -1);
        return new CacheSetting("rel_l1_thresh " + threshold, "WanTeaCache", k);
    }

    /**
     * MindIE's step knobs: step s may reuse when {@code start < s <= end} and
     * {@code (s - start) % interval != 0}.
     */
    record StepSchedule(int start, int interval, int end) {
        /**
         * MindIE's published Wan2.1 schedule (steps 20..47 every 2nd at 50 steps) scaled to
         * {@code steps}: start at 40% of the steps, end 6% before the last.
         */
        static StepSchedule scaledDefault(int steps) {
            int start = (int) Math.round(0.4 * steps);
            return new StepSchedule(start, 2, Math.max(start, steps - (int) Math.ceil(0.06 * steps)));
        }

        /** How many of {@code steps} steps reuse (the first step from {@code start} on stores, so it never does). */
        int reusedSteps(int steps) {
            if (interval <= 1) return 0;
            int n = 0;
            for (int s = start + 1; s <= Math.min(end, steps - 1); s++) if ((s - start) % interval != 0) n++;
            return n;
        }

        @Override
        public String toString() { return "steps " + start + ".." + end + " every " + interval; }
    }
}
