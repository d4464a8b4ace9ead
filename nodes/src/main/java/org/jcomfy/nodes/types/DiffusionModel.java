package org.jcomfy.nodes.types;

import org.jcomfy.nodes.acceleration.AttentionPolicy;
import org.jcomfy.nodes.acceleration.CachePolicy;
import org.jcomfy.nodes.models.parallel.ParallelPlan;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.LatentFormat;

/**
 * ComfyUI's MODEL: shared network weights plus options. Patch nodes (ModelSamplingSD3, the
 * DiT cache, attention and parallel-plan nodes) return a copy with one option changed; nothing mutates the
 * weights, which every copy shares.
 */
public record DiffusionModel(DiffusionNet net, LatentFormat latentFormat, ModelOptions options) {

    public static DiffusionModel wan21(DiffusionNet net) {
        return new DiffusionModel(net, LatentFormat.WAN21, ModelOptions.withDefaultShift(FlowModelSampling.WAN_DEFAULT_SHIFT));
    }

    public double shift() { return options.shift(); }

    public DiffusionModel withShift(double s) {
        return new DiffusionModel(net, latentFormat, options.withShift(s));
    }

    public DiffusionModel withCache(CachePolicy cache) {
        return new DiffusionModel(net, latentFormat, options.withCache(cache));
    }

    public DiffusionModel withAttention(AttentionPolicy attention) {
        return new DiffusionModel(net, latentFormat, options.withAttention(attention));
    }

    public DiffusionModel withParallel(ParallelPlan plan) {
        return new DiffusionModel(net, latentFormat, options.withParallel(plan));
    }
}
