package org.jcomfy.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jcomfy.nodes.api.SharedObjects;

/**
 * {@link SharedObjects} as a Caffeine cache weighed by the bytes each value says it costs,
 * under a fixed memory budget: when a new value does not fit, the least recently used ones are
 * dropped first. A value larger than the whole budget is refused before it is loaded, with a message
 * that names both sizes. A value is held with the version it was loaded for; asked for another
 * version, the held one is dropped and the new one loaded. Weights are counted in KiB so values past 2 GiB fit Caffeine's int weights.
 */
public final class ByteBudgetSharedObjects implements SharedObjects {
    private final long budgetBytes;
    private final Cache<String, Object> cache;

    public ByteBudgetSharedObjects(long budgetBytes) {
        if (budgetBytes <= 0) throw new IllegalArgumentException("memory budget must be positive, got " + budgetBytes);
        this.budgetBytes = budgetBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(kib(budgetBytes))
                .weigher((String key, Object value) -> ((Sized) value).kib())
                .executor(Runnable::run) // evict on the calling thread: predictable, and tests see it at once
                .build();
    }

    /** A budget of three quarters of the machine's physical memory. */
    public static ByteBudgetSharedObjects forThisMachine() {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return new ByteBudgetSharedObjects(os.getTotalMemorySize() / 4 * 3);
    }

    public long budgetBytes() { return budgetBytes; }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOrLoad(String key, Object version, long bytes, Supplier<T> loader) {
        synchronized (this) {
            Sized held = (Sized) cache.getIfPresent(key);
            if (held != null && Objects.equals(held.version(), version)) return (T) held.value();
            // Another version (a model file changed on disk) is dropped before anything else:
            // even when the new one cannot load, the stale one must not be served again.
            if (held != null) {
                cache.invalidate(key);
                cache.cleanUp();
            }
            if (bytes > budgetBytes) {
                throw new IllegalStateException("'" + key + "' needs " + human(bytes) + " but the memory budget for shared objects is "
                        + human(budgetBytes) + "; free memory or use a smaller model");
            }
            makeRoom(kib(bytes));
            Sized loaded = new Sized(loader.get(), version, bytes);
            cache.put(key, loaded);
            return (T) loaded.value();
        }
    }

    /** One value held now: its key and the bytes its loader said it costs. */
    public record Held(String key, long bytes) {}

    /**
     * Every value held now, the largest first (what the frontend extension lists as loaded models).
     * By size, not by use: Caffeine's eviction order is not a plain recency order to show a user.
     */
    public List<Held> held() {
        cache.cleanUp();
        return cache.asMap().entrySet().stream()
                .map(e -> new Held(e.getKey(), ((Sized) e.getValue()).bytes()))
                .sorted(java.util.Comparator.comparingLong(Held::bytes).reversed().thenComparing(Held::key))
                .toList();
    }

    /** Whether a value is held for {@code key} now. */
    public boolean contains(String key) {
        cache.cleanUp();
        return cache.getIfPresent(key) != null;
    }

    /**
     * Drops the coldest values until {@code kib} more fit. Left to itself Caffeine's admission
     * policy may reject the newcomer instead, and a model that was just loaded is the one about
     * to be used.
     */
    private void makeRoom(int kib) {
        var eviction = cache.policy().eviction().orElseThrow();
        long max = eviction.getMaximum();
        while (eviction.weightedSize().orElse(0) + kib > max) {
            var coldest = eviction.coldest(1);
            if (coldest.isEmpty()) break;
            cache.invalidate(coldest.keySet().iterator().next());
            cache.cleanUp();
        }
    }

    @Override
    public void clear() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    private record Sized(Object value, Object version, long bytes) {
        int kib() { return ByteBudgetSharedObjects.kib(bytes); }
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (bytes + 1023) / 1024));
    }

    private static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.1f MiB", bytes / (double) (1L << 20));
        return bytes + " bytes";
    }
}
