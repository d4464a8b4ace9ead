package org.jcomfy.nodes.api;

import java.util.function.Supplier;

/**
 * Long-lived objects (loaded models) shared between prompts and evicted under a memory budget.
 * {@code bytes} is what the object costs; a value larger than the whole budget is refused
 * with a clear error rather than an OutOfMemoryError.
 */
public interface SharedObjects {
    /**
     * The object held for {@code key} if it was loaded for an equal {@code version}; otherwise the
     * one held (of another version) is dropped and {@code loader} runs. Model loaders pass the
     * file's {@link org.jcomfy.nodes.files.FileStamp}, so a model file replaced on disk is loaded
     * anew instead of being read through the old mapping.
     */
    <T> T getOrLoad(String key, Object version, long bytes, Supplier<T> loader);

    /** {@link #getOrLoad(String, Object, long, Supplier)} for objects that have no versions. */
    default <T> T getOrLoad(String key, long bytes, Supplier<T> loader) {
        return getOrLoad(key, null, bytes, loader);
    }

    /** Drops everything (POST /free with unload_models). */
    void clear();
}
