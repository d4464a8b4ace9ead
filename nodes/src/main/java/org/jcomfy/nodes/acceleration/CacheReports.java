package org.jcomfy.nodes.acceleration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;

/** The {@code jcomfy.cache_report} body: the method, its settings and each branch's counts. */
final class CacheReports {
    private CacheReports() {}

    static <S> Map<String, Object> report(Record policy, String method, DenoisingRun run, Class<S> stateType,
                                          Function<S, CacheCounts> counts, ToIntFunction<CacheCounts> reusedUnits) {
        Map<String, Object> branches = new LinkedHashMap<>();
        double saved = 0;
        // the state lives per guidance branch: one entry per branch that ran
        for (GuidanceBranch b : GuidanceBranch.values()) {
            S state = run.existingState(b, policy, stateType);
            if (state == null) continue;
            CacheCounts c = counts.apply(state);
            double s = c.estimatedSecondsSaved(reusedUnits.applyAsInt(c));
            saved += s;
            branches.put(b.name().toLowerCase(), c.json(s));
        }
        if (branches.isEmpty()) return null;
        return body(policy, method, run, branches, saved);
    }

    /**
     * The report of a policy whose state spans the whole run ({@link DenoisingRun#existingRunState}):
     * its counts under each name it keeps them by; no time estimate (a reused call here skips a
     * whole forward whose cost the policy does not record).
     */
    static Map<String, Object> report(Record policy, String method, DenoisingRun run, Map<String, CacheCounts> counts) {
        Map<String, Object> branches = new LinkedHashMap<>();
        counts.forEach((name, c) -> branches.put(name, c.json(0)));
        return body(policy, method, run, branches, null);
    }

    private static Map<String, Object> body(Record policy, String method, DenoisingRun run,
                                            Map<String, Object> branches, Double saved) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("settings", policy.toString());
        m.put("steps", run.steps());
        m.put("branches", branches);
        if (saved != null) m.put("estimated_seconds_saved", Math.round(saved * 1000) / 1000.0);
        return m;
    }
}
