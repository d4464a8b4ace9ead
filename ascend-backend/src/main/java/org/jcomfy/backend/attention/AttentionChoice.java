package org.jcomfy.backend.attention;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which implementation the selector uses for a shape and why, for logs, statistics and the UI.
 *
 * @param timingsNanos   median time per timed candidate (runtime mode; empty otherwise), in trial order
 * @param failures       candidates that threw for this shape, with their message
 * @param selectionNanos wall time of the whole choice on the first call of the shape: every trial run
 *                       in runtime mode (the cost a prompt pays once per shape), one run otherwise
 */
public record AttentionChoice(AttentionShape shape, String implementation, AttentionSelector.Mode mode,
                              String reason, Map<String, Long> timingsNanos, Map<String, String> failures,
                              long selectionNanos) {

    public AttentionChoice {
        timingsNanos = Collections.unmodifiableMap(new LinkedHashMap<>(timingsNanos));
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** This choice with the time the selection took. */
    AttentionChoice took(long nanos) {
        return new AttentionChoice(shape, implementation, mode, reason, timingsNanos, failures, nanos);
    }

    /**
     * One line such as {@code attention [B=1 Sq=4096 ...]: runtime chose flash (fastest of 2 timed on the
     * first call, flash 812.4 ms, naive 1020.7 ms; selection took 7331.0 ms)}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("attention [").append(shape).append("]: ")
                .append(mode.name().toLowerCase()).append(" chose ").append(implementation).append(" (").append(reason);
        timingsNanos.forEach((name, nanos) -> sb.append(", ").append(name).append(' ')
                .append(String.format("%.3f ms", nanos / 1e6)));
        failures.forEach((name, why) -> sb.append(", ").append(name).append(" failed: ").append(why));
        if (mode == AttentionSelector.Mode.RUNTIME && !timingsNanos.isEmpty()) {
            sb.append(String.format("; selection took %.3f ms", selectionNanos / 1e6));
        }
        return sb.append(')').toString();
    }
}
