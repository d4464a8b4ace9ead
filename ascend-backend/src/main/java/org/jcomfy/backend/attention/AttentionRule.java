package org.jcomfy.backend.attention;

import java.util.List;
import java.util.function.Predicate;

/**
 * One line of the selector's static rule table: when a shape matches, use the named
 * implementation. Rules are tried in order; the first match whose implementation supports
 * the shape wins.
 */
public record AttentionRule(String description, Predicate<AttentionShape> when, String implementation) {

    /** Matches when one head's score matrix has at most {@code elements} entries (Sq·Sk). */
    public static AttentionRule scoresAtMost(long elements, String implementation) {
        return new AttentionRule("Sq*Sk <= " + elements, s -> (long) s.queryLength() * s.keyLength() <= elements,
                implementation);
    }

    /** Matches every shape; put it last. */
    public static AttentionRule always(String implementation) {
        return new AttentionRule("any shape", s -> true, implementation);
    }

    /**
     * The default table: the materialised matrix for short sequences (up to 512 x 512, the
     * T5 encoder's size), the tiled kernel for everything longer.
     */
    public static List<AttentionRule> defaults() {
        return List.of(scoresAtMost(512L * 512, NaiveAttention.NAME), always(FlashAttention.NAME));
    }

    @Override
    public String toString() {
        return description + " -> " + implementation;
    }
}
