package org.jcomfy.nodes.lora;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
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

    /** The change at {@code strength}, float32, shaped like {@code base}. */
    Tensor delta(Tensor base, double strength, Kernels k);

    /** {@code up [out, rank]} (any trailing 1-sized dims), {@code down [rank, in...]}; alpha null when the file has none. */
    record LowRank(String target, Tensor up, Tensor down, Float alpha) implements LoraPatch {
        public long rank() { return down.dim(0); }

        /** alpha / rank, or 1 without alpha. */
        public double scale() { return alpha == null ? 1.0 : alpha / (double) rank(); }

        @Override
        public Tensor delta(Tensor base, double strength, Kernels k) {
            long out = up.dim(0), r = rank(), in = down.numel() / r;
            // up @ down as a linear layer: x = up [out, r], W = downᵀ [in, r] → [out, in]
            Tensor downT = k.permute(down.reshape(r, in).toF32(), 1, 0);
            Tensor product = k.linear(up.reshape(out, r).toF32(), downT, null);
            return k.scale(product, (float) (strength * scale())).reshape(base.shape());
        }
    }

    /** A full-weight difference ({@code .diff}, or {@code .diff_b} for a bias), shaped like its target. */
    record Diff(String target, Tensor diff) implements LoraPatch {
        @Override
        public Tensor delta(Tensor base, double strength, Kernels k) {
            return k.scale(diff.toF32(), (float) strength).reshape(base.shape());
        }
    }

    /** A patch with the strength it is applied at. */
    record Weighted(LoraPatch patch, double strength) {}

    /**
     * {@code base} with every patch added, as a new tensor in {@code base}'s dtype; {@code base} is
     * not changed. {@code weightScale} is the fp8 {@code scale_weight} the model multiplies the
     * stored tensor by (1 otherwise): the change is divided by it so the scale can stay as it is.
     */
    static Tensor apply(Tensor base, float weightScale, List<Weighted> patches, Kernels k) {
        // The float32 sum and the products are temporaries of a scope, freed when this tensor is
        // done: left to the garbage collector, a LoRA over every matrix of a 14B model would pile
        // up tens of GB of off-heap memory before a collection noticed.
        try (TensorScope scope = TensorScope.open()) {
            Tensor sum = base.copyAs(DType.F32);
            for (Weighted w : patches) {
                if (w.strength() == 0) continue;
                sum = k.add(sum, w.patch().delta(base, w.strength() / weightScale, k));
            }
            return TensorScope.detached(base.dtype() == DType.F32 ? sum : sum.copyAs(base.dtype()));
        }
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
