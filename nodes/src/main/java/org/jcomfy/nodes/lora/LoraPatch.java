package org.jcomfy.nodes.lora;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;

/**
 * One change a LoRA file makes to one model tensor, and the arithmetic of applying changes
 * (ComfyUI's {@code calculate_weight}): a low-rank pair adds
 * {@code strength · (alpha / rank) · (up @ down)} (scale 1 without alpha; rank = rows of down),
 * a full-weight {@code diff} / {@code diff_b} adds {@code strength · diff}. Everything is summed
 * in float32 and rounded once to the tensor's stored dtype, as ComfyUI does.
 */
public sealed interface LoraPatch {

    /** The model key it changes ({@code blocks.0.self_attn.q.weight}). */
    String target();

    /** The change at strength 1 before {@link #scale}, float32, shaped like {@code base}. */
    Tensor delta(Tensor base, Kernels k);

    /** What {@link #delta} is multiplied by at strength 1: alpha / rank for a low-rank pair, 1 for a diff. */
    double scale();

    /** {@code up [out, rank]} (any trailing 1-sized dims), {@code down [rank, in...]}; alpha null when the file has none. */
    record LowRank(String target, Tensor up, Tensor down, Float alpha) implements LoraPatch {
        public long rank() { return down.dim(0); }

        /** alpha / rank, or 1 without alpha. */
        @Override
        public double scale() { return alpha == null ? 1.0 : alpha / (double) rank(); }

        @Override
        public Tensor delta(Tensor base, Kernels k) {
            long out = up.dim(0), r = rank(), in = down.numel() / r;
            // up @ down as a linear layer: x = up [out, r], W = downᵀ [in, r] → [out, in]
            Tensor downT = k.permute(down.reshape(r, in).toF32(), 1, 0);
            Tensor product = k.linear(up.reshape(out, r).toF32(), downT, null);
            return product.reshape(base.shape());
        }
    }

    /** A full-weight difference ({@code .diff}, or {@code .diff_b} for a bias), shaped like its target. */
    record Diff(String target, Tensor diff) implements LoraPatch {
        @Override
        public Tensor delta(Tensor base, Kernels k) {
            return diff.toF32().reshape(base.shape());
        }

        @Override
        public double scale() { return 1; }
    }

    /** A patch with the strength it is applied at. */
    record Weighted(LoraPatch patch, double strength) {}

    /**
     * {@code base} with every patch added, as a new tensor in {@code base}'s dtype ({@code base}
     * itself when every strength is 0); {@code base} is not changed. {@code weightScale} is the fp8
     * {@code scale_weight} the model multiplies the stored tensor by (1 otherwise): the change is
     * divided by it so the scale can stay as it is.
     */
    static Tensor apply(Tensor base, float weightScale, List<Weighted> patches, Kernels k) {
        List<Weighted> active = patches.stream().filter(w -> w.strength() != 0).toList();
        if (active.isEmpty()) return base;
        Tensor out = Tensor.zeros(base.dtype(), base.shape()); // outside the scope: the one tensor kept
        // The changes and their sum are temporaries of a scope, freed when this tensor is done: left
        // to the garbage collector, a LoRA over every matrix of a 14B model would pile up tens of
        // GB of off-heap memory before a collection noticed.
        try (TensorScope scope = TensorScope.open()) {
            if (active.size() == 1) {
                Weighted w = active.get(0);
                RoundedSum.addInto(out, base, w.patch().delta(base, k), factor(w, weightScale));
            } else {
                Tensor change = null;
                for (Weighted w : active) {
                    Tensor d = k.scale(w.patch().delta(base, k), factor(w, weightScale));
                    change = change == null ? d : k.add(change, d);
                }
                RoundedSum.addInto(out, base, change, 1f);
            }
        }
        return out;
    }

    /** strength · scale, divided by the weight's fp8 scale so that the scale can stay as it is. */
    private static float factor(Weighted w, float weightScale) {
        return (float) (w.strength() * w.patch().scale() / weightScale);
    }

    /**
     * Every tensor of {@code base} that {@code patches} change, patched ({@link #apply}): target key →
     * new tensor. Patches of one target add up in the order given (a stack of LoRAs composes).
     * {@code weightScale} gives a key's fp8 {@code scale_weight} (1 where there is none).
     */
    static Map<String, Tensor> applyAll(Map<String, Tensor> base, List<Weighted> patches, ToDoubleFunction<String> weightScale,
                                        Kernels k) {
        Map<String, List<Weighted>> byTarget = new LinkedHashMap<>();
        for (Weighted w : patches) byTarget.computeIfAbsent(w.patch().target(), t -> new ArrayList<>()).add(w);
        Map<String, Tensor> patched = new LinkedHashMap<>();
        byTarget.forEach((key, list) -> patched.put(key, apply(base.get(key), (float) weightScale.applyAsDouble(key), list, k)));
        return patched;
    }
}
