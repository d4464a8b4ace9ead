package org.jcomfy.backend.kernels;

import java.util.List;
import java.util.Objects;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A device's kernel table with its attention replaced: how a model whose MODEL carries its own
 * attention choice (the {@code AttentionSelect} node) runs on the shared device kernels without
 * changing them for other models. Every other kernel is the device's.
 */
public final class KernelsWithAttention implements Kernels {
    private final Kernels device;
    private final AttentionKernel attention;

    public KernelsWithAttention(Kernels device, AttentionKernel attention) {
        this.device = Objects.requireNonNull(device);
        this.attention = Objects.requireNonNull(attention);
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return attention.attention(q, k, v, bias, scale);
    }

    @Override
    public PartialAttention attentionWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return attention.attentionWithLse(q, k, v, bias, scale);
    }

    // ---- the device's own -----------------------------------------------------------

    @Override public Tensor linear(Tensor x, Tensor weight, Tensor bias, float weightScale) { return device.linear(x, weight, bias, weightScale); }
    @Override public Tensor embedding(Tensor table, Tensor ids) { return device.embedding(table, ids); }
    @Override public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return device.layerNorm(x, weight, bias, eps); }
    @Override public Tensor rmsNorm(Tensor x, Tensor weight, float eps) { return device.rmsNorm(x, weight, eps); }
    @Override public Tensor l2Normalize(Tensor x, int dim, float eps) { return device.l2Normalize(x, dim, eps); }
    @Override public Tensor geluTanh(Tensor x) { return device.geluTanh(x); }
    @Override public Tensor gelu(Tensor x) { return device.gelu(x); }
    @Override public Tensor silu(Tensor x) { return device.silu(x); }
    @Override public Tensor softmax(Tensor x) { return device.softmax(x); }
    @Override public Tensor add(Tensor a, Tensor b) { return device.add(a, b); }
    @Override public Tensor sub(Tensor a, Tensor b) { return device.sub(a, b); }
    @Override public Tensor mul(Tensor a, Tensor b) { return device.mul(a, b); }
    @Override public Tensor scale(Tensor x, float s) { return device.scale(x, s); }
    @Override public Tensor modulate(Tensor x, Tensor shift, Tensor scale) { return device.modulate(x, shift, scale); }
    @Override public Tensor addGated(Tensor x, Tensor y, Tensor gate) { return device.addGated(x, y, gate); }
    @Override public Tensor rope3d(Tensor x, int frames, int height, int width, long firstToken) { return device.rope3d(x, frames, height, width, firstToken); }
    @Override public Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) { return device.conv3d(x, weight, bias, stride, padding); }
    @Override public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) { return device.conv2d(x, weight, bias, stride, padding); }
    @Override public Tensor upsampleNearest2d(Tensor x, int factor) { return device.upsampleNearest2d(x, factor); }
    @Override public Tensor pad(Tensor x, long[] before, long[] after, float value) { return device.pad(x, before, after, value); }
    @Override public Tensor concat(List<Tensor> parts, int dim) { return device.concat(parts, dim); }
    @Override public Tensor permute(Tensor x, int... dims) { return device.permute(x, dims); }
    @Override public Tensor slice(Tensor x, int dim, long start, long end) { return device.slice(x, dim, start, end); }

    @Override
    public String toString() {
        return device + " with attention " + attention;
    }
}
