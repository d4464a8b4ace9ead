package org.jcomfy.nodes.models.wan.dit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A {@link Kernels} decorator that adds up wall time per kernel name, so a benchmark can say
 * where a forward pass spends its time. Kernels return finished tensors, so the time of a call
 * is the time of its work (devices with asynchronous queues would need a synchronize here).
 */
public final class TimedKernels implements Kernels {
    private final Kernels inner;
    private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    public TimedKernels(Kernels inner) {
        this.inner = inner;
    }

    /** Kernel name → total seconds so far. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new TreeMap<>();
        nanos.forEach((k, v) -> out.put(k, v.sum() / 1e9));
        return out;
    }

    /** Kernel name → number of calls so far. */
    public Map<String, Long> calls() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public void reset() {
        nanos.clear();
        calls.clear();
    }

    private <T> T time(String name, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            nanos.computeIfAbsent(name, k -> new LongAdder()).add(System.nanoTime() - start);
            calls.computeIfAbsent(name, k -> new LongAdder()).increment();
        }
    }

    @Override public Tensor linear(Tensor x, Tensor w, Tensor b, float s) { return time("linear", () -> inner.linear(x, w, b, s)); }
    @Override public Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) { return time("layerNorm", () -> inner.layerNorm(x, w, b, eps)); }
    @Override public Tensor rmsNorm(Tensor x, Tensor w, float eps) { return time("rmsNorm", () -> inner.rmsNorm(x, w, eps)); }
    @Override public Tensor l2Normalize(Tensor x, int dim, float eps) { return time("l2Normalize", () -> inner.l2Normalize(x, dim, eps)); }
    @Override public Tensor geluTanh(Tensor x) { return time("geluTanh", () -> inner.geluTanh(x)); }
    @Override public Tensor silu(Tensor x) { return time("silu", () -> inner.silu(x)); }
    @Override public Tensor softmax(Tensor x) { return time("softmax", () -> inner.softmax(x)); }
    @Override public Tensor add(Tensor a, Tensor b) { return time("add", () -> inner.add(a, b)); }
    @Override public Tensor sub(Tensor a, Tensor b) { return time("sub", () -> inner.sub(a, b)); }
    @Override public Tensor mul(Tensor a, Tensor b) { return time("mul", () -> inner.mul(a, b)); }
    @Override public Tensor scale(Tensor x, float s) { return time("scale", () -> inner.scale(x, s)); }
    @Override public Tensor modulate(Tensor x, Tensor shift, Tensor sc) { return time("modulate", () -> inner.modulate(x, shift, sc)); }
    @Override public Tensor addGated(Tensor x, Tensor y, Tensor g) { return time("addGated", () -> inner.addGated(x, y, g)); }
    @Override public Tensor rope3d(Tensor x, int f, int h, int w, long first) { return time("rope3d", () -> inner.rope3d(x, f, h, w, first)); }
    @Override public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float s) { return time("attention", () -> inner.attention(q, k, v, bias, s)); }
    @Override public PartialAttention attentionWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float s) { return time("attention", () -> inner.attentionWithLse(q, k, v, bias, s)); }
    @Override public Tensor conv3d(Tensor x, Tensor w, Tensor b, int[] st, int[] p) { return time("conv3d", () -> inner.conv3d(x, w, b, st, p)); }
    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] st, int[] p) { return time("conv2d", () -> inner.conv2d(x, w, b, st, p)); }
    @Override public Tensor upsampleNearest2d(Tensor x, int f) { return time("upsampleNearest2d", () -> inner.upsampleNearest2d(x, f)); }
    @Override public Tensor pad(Tensor x, long[] before, long[] after, float v) { return time("pad", () -> inner.pad(x, before, after, v)); }
    @Override public Tensor concat(List<Tensor> parts, int dim) { return time("concat", () -> inner.concat(parts, dim)); }
    @Override public Tensor permute(Tensor x, int... dims) { return time("permute", () -> inner.permute(x, dims)); }
    @Override public Tensor slice(Tensor x, int dim, long s, long e) { return time("slice", () -> inner.slice(x, dim, s, e)); }
}
