package org.jcomfy.backend.kernels;

import java.util.List;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The kernel table of a device: every computation model code may ask for, named after
 * what it computes. Inputs and outputs are float32 activations unless a parameter says
 * otherwise; weights may be stored in any floating dtype (f32, f16, bf16, f8) and are
 * widened inside the kernel. Results are new tensors; inputs are never modified.
 *
 * <p>{@link ReferenceKernels} is the plain, single-threaded implementation that every
 * faster one is tested against.
 */
public interface Kernels {

    // ---- dense layers -------------------------------------------------------------

    /**
     * {@code y = x · (weightScale · W)ᵀ + b}: x {@code [..., K]}, weight {@code [N, K]} in any float
     * dtype, bias {@code [N]} or null; returns {@code [..., N]}. {@code weightScale} carries the
     * per-tensor {@code scale_weight} of ComfyUI's {@code *_scaled} fp8 files (1 otherwise).
     */
    Tensor linear(Tensor x, Tensor weight, Tensor bias, float weightScale);

    default Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return linear(x, weight, bias, 1f);
    }

    /**
     * Table lookup (torch's {@code F.embedding}): {@code table [V, D]} in any float dtype,
     * {@code ids} an integer tensor of any shape; returns float32 {@code [...ids.shape, D]}
     * whose row r is {@code table[ids[r]]}. Used for token embeddings and T5's
     * relative-position bias tables.
     */
    default Tensor embedding(Tensor table, Tensor ids) {
        if (table.rank() != 2) throw new IllegalArgumentException("embedding: table " + table + " is not [V, D]");
        long vocab = table.dim(0), d = table.dim(1);
        long[] idShape = ids.shape();
        long[] outShape = java.util.Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = d;
        Tensor out = Tensor.zeros(org.jcomfy.backend.tensor.DType.F32, outShape);
        for (long r = 0, n = ids.numel(); r < n; r++) {
            long id = ids.getLong(r);
            if (id < 0 || id >= vocab) {
                throw new IndexOutOfBoundsException("embedding: id " + id + " outside a table of " + vocab + " rows");
            }
            for (long c = 0; c < d; c++) out.setFloat(r * d + c, table.getFloat(id * d + c));
        }
        return out;
    }

    // ---- normalisation ------------------------------------------------------------

    /** LayerNorm over the last dimension (biased variance); weight and bias may be null. */
    Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps);

    /** {@code x / sqrt(mean(x²) + eps) * weight} over the last dimension; weight may be null. */
    Tensor rmsNorm(Tensor x, Tensor weight, float eps);

    /** {@code x / max(‖x‖₂, eps)} along dimension {@code dim} (torch's F.normalize). */
    Tensor l2Normalize(Tensor x, int dim, float eps);

    // ---- activations ---------------------------------------------------------------

    /** GELU with the tanh approximation: {@code 0.5x(1+tanh(√(2/π)(x+0.044715x³)))}. */
    Tensor geluTanh(Tensor x);

    /**
     * GELU in its exact form {@code 0.5x(1+erf(x/√2))}, torch's {@code nn.GELU()} default (used by
     * Wan's image-embedding MLP). The default is a plain loop; devices may override it.
     */
    default Tensor gelu(Tensor x) {
        Tensor out = Tensor.zeros(org.jcomfy.backend.tensor.DType.F32, x.shape());
        double invSqrt2 = 1 / Math.sqrt(2);
        for (long i = 0, n = x.numel(); i < n; i++) {
            double v = x.getFloat(i);
            out.setFloat(i, (float) (0.5 * v * (1 + ErrorFunction.erf(v * invSqrt2))));
        }
        return out;
    }

    /** {@code x · sigmoid(x)}. */
    Tensor silu(Tensor x);

    /** Softmax over the last dimension. */
    Tensor softmax(Tensor x);

    // ---- element-wise, with numpy/torch broadcasting --------------------------------

    Tensor add(Tensor a, Tensor b);

    Tensor sub(Tensor a, Tensor b);

    Tensor mul(Tensor a, Tensor b);

    /** {@code x · s}. */
    Tensor scale(Tensor x, float s);

    /** {@code x · (1 + scale) + shift} (DiT modulation), broadcasting scale and shift. */
    Tensor modulate(Tensor x, Tensor shift, Tensor scale);

    /** {@code x + y · gate} (gated residual), broadcasting gate. */
    Tensor addGated(Tensor x, Tensor y, Tensor gate);

    // ---- positions and attention ---------------------------------------------------

    /**
     * Wan's 3-D rotary embedding on {@code x [B, S, heads, headDim]}: adjacent feature pairs
     * are complex numbers; the headDim/2 pairs split into frame / height / width groups of
     * {@code c - 2(c/3)}, {@code c/3}, {@code c/3}, each with theta 10000 over its own
     * sub-dimension, angles and products in float64. Token s &lt; F·H·W sits at
     * {@code (f, h, w)} in row-major order; tokens beyond pass through unchanged.
     */
    default Tensor rope3d(Tensor x, int frames, int height, int width) {
        return rope3d(x, frames, height, width, 0);
    }

    /**
     * {@link #rope3d(Tensor, int, int, int)} on a stretch of the sequence that starts at token
     * {@code firstToken}: row s of {@code x} is token {@code firstToken + s} of the F·H·W grid (a
     * sequence-parallel rank's shard); rows at or past the grid's end pass through unchanged.
     */
    Tensor rope3d(Tensor x, int frames, int height, int width, long firstToken);

    /**
     * Scaled dot-product attention: q {@code [B, Sq, H, D]}, k {@code [B, Sk, H, D]},
     * v {@code [B, Sk, H, Dv]}; {@code bias} is added to the scores before the softmax and
     * broadcasts from {@code [B|1, H|1, Sq, Sk]} (null for none; -inf masks a key).
     * Returns {@code [B, Sq, H, Dv]}.
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale);

    /**
     * {@link #attention} with each query row's log-sum-exp, so that attention over several key
     * shards can be merged exactly ({@link PartialAttention#merge}; Ring attention). By default the
     * log-sum-exp is a separate reference pass; a kernel that keeps its online softmax's running
     * maximum and sum should return those instead.
     */
    default PartialAttention attentionWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return ((AttentionKernel) this::attention).attentionWithLse(q, k, v, bias, scale);
    }

    // ---- convolutions and resampling (the VAE) ---------------------------------------

    /**
     * 3-D convolution: x {@code [B, C, T, H, W]}, weight {@code [O, C, kt, kh, kw]}, bias {@code [O]}
     * or null; stride and zero padding per axis {@code (t, h, w)}. Causal padding is built
     * by the caller with {@link #pad} and {@link #concat}.
     */
    Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding);

    /** 2-D convolution: x {@code [B, C, H, W]}, weight {@code [O, C, kh, kw]}, stride/padding {@code (h, w)}. */
    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding);

    /** Nearest-neighbour upsampling of the last two dimensions by an integer factor. */
    Tensor upsampleNearest2d(Tensor x, int factor);

    // ---- layout --------------------------------------------------------------------

    /** Constant padding: {@code before[i]} and {@code after[i]} elements on each dimension i. */
    Tensor pad(Tensor x, long[] before, long[] after, float value);

    /** Concatenation along {@code dim}. */
    Tensor concat(List<Tensor> parts, int dim);

    /** A contiguous copy with dimensions reordered as torch's {@code permute(dims)}. */
    Tensor permute(Tensor x, int... dims);

    /** A contiguous copy of indices {@code [start, end)} along {@code dim}. */
    Tensor slice(Tensor x, int dim, long start, long end);
}
