package org.jcomfy.nodes.acceleration;

import org.jcomfy.nodes.sampling.FlowModelSampling;

/**
 * EasyCache's and LazyCache's window, {@code start_percent}..{@code end_percent} as sigmas
 * ({@code percent_to_sigma}), compared as ComfyUI compares them: its sigma is a float32 tensor and
 * torch compares a float32 tensor with a Python float in float32. That matters on schedules whose
 * steps fall exactly on a percent (Wan's shift 8, 20 steps: 0.15 and 0.95 are steps 3 and 19),
 * where a double comparison would move the window by a step.
 */
record SigmaWindow(float start, float end) {

    static SigmaWindow of(FlowModelSampling ms, double startPercent, double endPercent) {
        return new SigmaWindow((float) ms.percentToSigma(startPercent), (float) ms.percentToSigma(endPercent));
    }

    /** At or below end_percent's sigma: the call runs plainly and the cache records nothing. */
    boolean pastEnd(double sigma) { return !((float) sigma > end); }

    /** At or below start_percent's sigma: the cache may reuse. */
    boolean started(double sigma) { return (float) sigma <= start; }
}
