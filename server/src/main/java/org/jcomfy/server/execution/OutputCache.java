package org.jcomfy.server.execution;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Set;

/**
 * Node results kept between prompts, keyed by input signature ({@link CacheKeys}). Modes follow
 * ComfyUI's flags: {@code classic} keeps only what the latest prompt used, {@code lru} keeps up
 * to N entries, {@code none} keeps nothing.
 */
final class OutputCache {
    private final String mode;
    private final int lruSize;
    private Cache<Object, NodeResult> cache;

    OutputCache(String mode, int lruSize) {
        // Modes jcomfy does not implement (ComfyUI's RAM-pressure default) behave as classic.
        this.mode = mode != null && (mode.equals("lru") || mode.equals("none")) ? mode : "classic";
        this.lruSize = lruSize;
        this.cache = build();
    }

    private Cache<Object, NodeResult> build() {
        Caffeine<Object, Object> b = Caffeine.newBuilder().executor(Runnable::run);
        if (mode.equals("lru")) b.maximumSize(Math.max(lruSize, 1));
        return b.build();
    }

    boolean enabled() { return !mode.equals("none"); }

    NodeResult get(Object key) { return enabled() ? cache.getIfPresent(key) : null; }

    void put(Object key, NodeResult result) { if (enabled()) cache.put(key, result); }

    /** Called with every key of a new prompt: classic mode forgets the rest. */
    void prepareFor(Set<Object> promptKeys) {
        if (mode.equals("classic")) cache.asMap().keySet().retainAll(promptKeys);
    }

    /** POST /free with free_memory: start over with an empty cache. */
    void reset() { cache = build(); }
}
