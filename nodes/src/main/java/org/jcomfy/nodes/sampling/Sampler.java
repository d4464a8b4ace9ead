package org.jcomfy.nodes.sampling;

/** One sampling algorithm: integrates x from {@code task.sigmas()[0]} down to the last sigma. */
@FunctionalInterface
public interface Sampler {
    /** Returns the final sample; {@code x} is the start point (already noise-scaled) and is not modified. */
    float[] sample(SamplingTask task, float[] x);
}
