package org.jcomfy.backend.cpu;

import java.util.List;
import java.util.Objects;
import org.jcomfy.backend.kernels.AttentionKernel;
import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * The fast CPU kernel table: each method hands its work to the group class that owns it
 * ({@link Linear}, {@link Norms}, {@link Activations}, {@link Elementwise}, {@link Rope},
 * {@link Convolution}, {@link Layout}), all sharing one {@link CpuThreads} pool. Attention is
 * delegated to the {@link AttentionKernel} given at construction.
 *
 * <p>Two switches exist so tests can cover every path in one JVM; the CPU device sets them from
 * {@code BackendOptions} ({@code vectorKernels}, {@code nativeGemm}): the scalar loops instead of the
 * Vector API bodies (llama3.java's {@code VectorBitSize=0}), and the Java Vector API GEMM instead of
 * OpenBLAS (also used, after one logged warning, when OpenBLAS cannot be loaded).
 */
public final class CpuKernels implements Kernels {
    private final CpuThreads threads;
    private final AttentionKernel attention;
    private final boolean simd;
    private final boolean nativeBlas;

    /**
     * @param simd       use the Vector API bodies (false: scalar loops)
     * @param nativeBlas use OpenBLAS for GEMMs when it loads (false: the Java GEMM)
     */
    public CpuKernels(CpuThreads threads, AttentionKernel attention, boolean simd, boolean nativeBlas) {
        this.threads = Objects.requireNonNull(threads);
        this.attention = Objects.requireNonNull(attention);
        this.simd = simd;
        this.nativeBlas = nativeBlas && OpenBlas.available();
    }

    /** Whether GEMMs run on OpenBLAS (false when asked not to, or when it failed to load). */
    public boolean usesNativeBlas() { return nativeBlas; }

    /** Whether the Vector API bodies are in use. */
    public boolean usesVectors() { return simd; }

    @Override
    public String toString() {
        return "CpuKernels[" + threads.threads() + " threads, " + (simd ? "vector" : "scalar") + ", gemm="
                + (nativeBlas ? "openblas" : "java") + "]";
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias, float weightScale) {
        return Linear.linear(threads, nativeBlas, simd, x, weight, bias, weightScale);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return Norms.layerNorm(threads, simd, x, weight, bias, eps);
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return Norms.rmsNorm(threads, simd, x, weight, eps); }

    @Override
    public Tensor l2Normalize(Tensor x, int dim, float eps) { return Norms.l2Normalize(threads, simd, x, dim, eps); }

    @Override
    public Tensor geluTanh(Tensor x) { return Activations.geluTanh(threads, simd, x); }

    @Override
    public Tensor silu(Tensor x) { return Activations.silu(threads, simd, x); }

    @Override
    public Tensor softmax(Tensor x) { return Activations.softmax(threads, simd, x); }

    @Override
    public Tensor add(Tensor a, Tensor b) { return Elementwise.add(threads, simd, a, b); }

    @Override
    public Tensor sub(Tensor a, Tensor b) { return Elementwise.sub(threads, simd, a, b); }

    @Override
    public Tensor mul(Tensor a, Tensor b) { return Elementwise.mul(threads, simd, a, b); }

    @Override
    public Tensor scale(Tensor x, float s) { return Elementwise.scale(threads, simd, x, s); }

    @Override
    public Tensor modulate(Tensor x, Tensor shift, Tensor scale) { return Elementwise.modulate(threads, simd, x, shift, scale); }

    @Override
    public Tensor addGated(Tensor x, Tensor y, Tensor gate) { return Elementwise.addGated(threads, simd, x, y, gate); }

    @Override
    public Tensor rope3d(Tensor x, int frames, int height, int width, long firstToken) {
        return Rope.rope3d(threads, simd, x, frames, height, width, firstToken);
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return attention.attention(q, k, v, bias, scale);
    }

    @Override
    public PartialAttention attentionWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return attention.attentionWithLse(q, k, v, bias, scale);
    }

    @Override
    public Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) {
        return Convolution.conv3d(threads, nativeBlas, simd, x, weight, bias, stride, padding);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) {
        return Convolution.conv2d(threads, nativeBlas, simd, x, weight, bias, stride, padding);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) { return Layout.upsampleNearest2d(threads, x, factor); }

    @Override
    public Tensor pad(Tensor x, long[] before, long[] after, float value) { return Layout.pad(threads, x, before, after, value); }

    @Override
    public Tensor concat(List<Tensor> parts, int dim) { return Layout.concat(threads, parts, dim); }

    @Override
    public Tensor permute(Tensor x, int... dims) { return Layout.permute(threads, x, dims); }

    @Override
    public Tensor slice(Tensor x, int dim, long start, long end) { return Layout.slice(threads, x, dim, start, end); }
}
