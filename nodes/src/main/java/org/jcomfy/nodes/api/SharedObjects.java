package org.jcomfy.nodes.api;

import java.util.function.Supplier;

/**
 * Long-lived objects (loaded models) shared between prompts and evicted under a memory budget.
 * {@code bytes} is what the object costs; a value larger than the whole budget is refused
 * with a clear error rather than an OutOfMemoryError.
 */
public interface SharedObjects {
    <T> T getOrLoad(String key, long bytes, Supplier<T> loader);

    /** Drops everything (POST /free with unload_models). */
    void clear();
}
