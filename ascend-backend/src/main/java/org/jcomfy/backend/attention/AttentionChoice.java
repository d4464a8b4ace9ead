package org.jcomfy.backend.attention;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which implementation the selector uses for a shape and why, for logs, statistics and the UI.
 *
 * @param timingsNanos median time per timed candidate (runtime mode; empty otherwise), in trial order
 * @param failures     candidates that threw for this shape, with their message
 */
public record AttentionChoice(AttentionShape shape, String implementation, AttentionSelector.Mode mode,
                              String reason, Map<String, Long> timingsNanos, Map<String, String> failures) {

    public AttentionChoice {
        timingsNanos = Collections.unmodifiableMap(new LinkedHashMap<>(timingsNanos));
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** One line such as {@code attention [B=1 Sq=4096 ...]: runtime chose flash (flash 812.4 ms, naive 1020.7 ms)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("attention [").append(shape).append("]: ")
                .append(mode.name().toLowerCase()).append(" chose ").append(implementation).append(" (").append(reason);
        timingsNanos.forEach((name, nanos) -> sb.append(", ").append(name).append(' ')
                .append(String.format("%.3f ms", nanos / 1e6)));
        failures.forEach((name, why) -> sb.append(", ").append(name).append(" failed: ").append(why));
        return sb.append(')').toString();
    }
}
