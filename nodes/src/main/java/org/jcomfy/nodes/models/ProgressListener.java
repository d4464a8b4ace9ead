package org.jcomfy.nodes.models;

/**
 * Work done so far, reported by a model as it goes (VAE chunks or tiles); a node passes its
 * context's progress bar. May throw to interrupt the work.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> {};

    void progress(long done, long total);
}
