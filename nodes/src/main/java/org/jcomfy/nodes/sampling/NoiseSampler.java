package org.jcomfy.nodes.sampling;

/** Fresh standard-normal noise for the step from {@code sigma} to {@code sigmaNext} (ancestral and SDE samplers). */
@FunctionalInterface
public interface NoiseSampler {
    float[] sample(double sigma, double sigmaNext);
}
