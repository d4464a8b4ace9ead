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
     * The default table: flash for every shape. Measured per busy core on the build machine
     * (bench/RESULTS.md, "Other model shapes") flash is ahead of naive on the T5 encoder (S=512,
     * d=64, bias), cross-attention, the VAE and S=1024 to 32760 self-attention, by 5-10 % on short
     * sequences and more as S grows; naive stays a runtime-mode candidate and the fallback.
     */
    public static List<AttentionRule> defaults() {
        return List.of(always(FlashAttention.NAME));
    }

    @Override
    public String toString() {
        return description + " -> " + implementation;
    }
}
