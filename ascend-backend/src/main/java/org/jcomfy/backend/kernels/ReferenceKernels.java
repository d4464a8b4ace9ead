package org.jcomfy.backend.kernels;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The oracle: each kernel written as the plainest loop over {@link Tensor#getFloat}, one
 * thread, accumulating in double where a sum is long. Slow by design; fast kernels are
 * tested against it and model code can run on it to tell a kernel bug from a model bug.
 */
public final class ReferenceKernels implements Kernels {

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias, float weightScale) {
        long k = x.dim(-1);
        long n = weight.dim(0);
        if (weight.rank() != 2 || weight.dim(1) != k) {
            throw new IllegalArgumentException("linear: x " + x + " does not match weight " + weight);
        }
        long m = x.numel() / k;
        long[] outShape = x.shape();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.zeros(DType.F32, outShape);
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double acc = 0;
                for (long p = 0; p < k; p++) acc += (double) x.getFloat(i * k + p) * weight.getFloat(j * k + p);
                acc *= weightScale;
                if (bias != null) acc += bias.getFloat(j);
                out.setFloat(i * n + j, (float) acc);
            }
        }
        return out;
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        long d = x.dim(-1);
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        for (long r = 0, rows = x.numel() / d; r < rows; r++) {
            double mean = 0;
            for (long i = 0; i < d; i++) mean += x.getFloat(r * d + i);
            mean /= d;
            double var = 0;
            for (long i = 0; i < d; i++) {
                double c = x.getFloat(r * d + i) - mean;
                var += c * c;
            }
            var /= d;
            double inv = 1.0 / Math.sqrt(var + eps);
            for (long i = 0; i < d; i++) {
                double y = (x.getFloat(r * d + i) - mean) * inv;
                if (weight != null) y *= weight.getFloat(i);
                if (bias != null) y += bias.getFloat(i);
                out.setFloat(r * d + i, (float) y);
            }
        }
        return out;
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        long d = x.dim(-1);
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        for (long r = 0, rows = x.numel() / d; r < rows; r++) {
            double ss = 0;
            for (long i = 0; i < d; i++) {
                double v = x.getFloat(r * d + i);
                ss += v * v;
            }
            double inv = 1.0 / Math.sqrt(ss / d + eps);
            for (long i = 0; i < d; i++) {
                double y = x.getFloat(r * d + i) * inv;
                if (weight != null) y *= weight.getFloat(i);
                out.setFloat(r * d + i, (float) y);
            }
        }
        return out;
    }

    @Override
    public Tensor l2Normalize(Tensor x, int dim, float eps) {
        long[] s = x.shape();
        int ax = dim < 0 ? s.length + dim : dim;
        long inner = 1;
        for (int i = ax + 1; i < s.length; i++) inner *= s[i];
        long len = s[ax];
        long outer = x.numel() / (len * inner);
        Tensor out = Tensor.zeros(DType.F32, s);
        for (long o = 0; o < outer; o++) {
            for (long in = 0; in < inner; in++) {
                long base = o * len * inner + in;
                double ss = 0;
                for (long i = 0; i < len; i++) {
                    double v = x.getFloat(base + i * inner);
                    ss += v * v;
                }
                double norm = Math.max(Math.sqrt(ss), eps);
                for (long i = 0; i < len; i++) out.setFloat(base + i * inner, (float) (x.getFloat(base + i * inner) / norm));
            }
        }
        return out;
    }

    @Override
    public Tensor geluTanh(Tensor x) {
        double c = Math.sqrt(2 / Math.PI);
        return map(x, v -> 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))));
    }

    @Override
    public Tensor silu(Tensor x) {
        return map(x, v -> v / (1 + Math.exp(-v)));
    }

    @Override
    public Tensor softmax(Tensor x) {
        long d = x.dim(-1);
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        for (long r = 0, rows = x.numel() / d; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (long i = 0; i < d; i++) max = Math.max(max, x.getFloat(r * d + i));
            double sum = 0;
            for (long i = 0; i < d; i++) sum += Math.exp(x.getFloat(r * d + i) - max);
            for (long i = 0; i < d; i++) out.setFloat(r * d + i, (float) (Math.exp(x.getFloat(r * d + i) - max) / sum));
        }
        return out;
    }

    @Override
    public Tensor add(Tensor a, Tensor b) { return zip(a, b, Double::sum); }

    @Override
    public Tensor sub(Tensor a, Tensor b) { return zip(a, b, (p, q) -> p - q); }

    @Override
    public Tensor mul(Tensor a, Tensor b) { return zip(a, b, (p, q) -> p * q); }

    @Override
    public Tensor scale(Tensor x, float s) { return map(x, v -> (float) v * s); }

    @Override
    public Tensor modulate(Tensor x, Tensor shift, Tensor scale) {
        Tensor scaled = zip(x, scale, (v, sc) -> (float) v * (1 + (float) sc));
        return add(scaled, shift);
    }

    @Override
    public Tensor addGated(Tensor x, Tensor y, Tensor gate) {
        return add(x, mul(y, gate));
    }

    @Override
    public Tensor rope3d(Tensor x, int frames, int height, int width, long firstToken) {
        long b = x.dim(0), s = x.dim(1), heads = x.dim(2), d = x.dim(3);
        int c = (int) (d / 2);
        int nh = c / 3, nf = c - 2 * nh;
        double[] wf = axisFrequencies(nf), wh = axisFrequencies(nh);
        if (firstToken < 0) throw new IllegalArgumentException("rope3d: first token " + firstToken + " is negative");
        long tokens = Math.max(0, Math.min(s, (long) frames * height * width - firstToken));
        Tensor out = x.copyAs(DType.F32);
        for (long bi = 0; bi < b; bi++) {
            for (long t = 0; t < tokens; t++) {
                long g = firstToken + t;
                long f = g / ((long) height * width), h = (g / width) % height, w = g % width;
                for (int p = 0; p < c; p++) {
                    double angle = p < nf ? f * wf[p] : p < nf + nh ? h * wh[p - nf] : w * wh[p - nf - nh];
                    double cos = Math.cos(angle), sin = Math.sin(angle);
                    for (long hd = 0; hd < heads; hd++) {
                        long i = ((bi * s + t) * heads + hd) * d + 2L * p;
                        double re = x.getFloat(i), im = x.getFloat(i + 1);
                        out.setFloat(i, (float) (re * cos - im * sin));
                        out.setFloat(i + 1, (float) (re * sin + im * cos));
                    }
                }
            }
        }
        return out;
    }

    /** Angular frequencies of one RoPE axis of {@code pairs} complex pairs: 10000^(-2j / (2·pairs)). */
    static double[] axisFrequencies(int pairs) {
        double[] w = new double[pairs];
        for (int j = 0; j < pairs; j++) w[j] = 1.0 / Math.pow(10000.0, (2.0 * j) / (2.0 * pairs));
        return w;
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        long b = q.dim(0), sq = q.dim(1), h = q.dim(2), d = q.dim(3);
        long sk = k.dim(1), dv = v.dim(3);
        Tensor out = Tensor.zeros(DType.F32, b, sq, h, dv);
        double[] scores = new double[(int) sk];
        for (long bi = 0; bi < b; bi++) {
            for (long hi = 0; hi < h; hi++) {
                for (long i = 0; i < sq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (long j = 0; j < sk; j++) {
                        double dot = 0;
                        for (long e = 0; e < d; e++) {
                            dot += (double) q.getFloat(((bi * sq + i) * h + hi) * d + e) * k.getFloat(((bi * sk + j) * h + hi) * d + e);
                        }
                        double sc = dot * scale + (bias == null ? 0 : biasAt(bias, bi, hi, i, j));
                        scores[(int) j] = sc;
                        max = Math.max(max, sc);
                    }
                    double sum = 0;
                    for (int j = 0; j < sk; j++) {
                        scores[j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (long e = 0; e < dv; e++) {
                        double acc = 0;
                        for (long j = 0; j < sk; j++) acc += scores[(int) j] * v.getFloat(((bi * sk + j) * h + hi) * dv + e);
                        out.setFloat(((bi * sq + i) * h + hi) * dv + e, (float) (sum == 0 ? 0 : acc / sum));
                    }
                }
            }
        }
        return out;
    }

    /** {@code bias[b, h, i, j]}, broadcasting from {@code [B|1, H|1, Sq|1, Sk]}. */
    static double biasAt(Tensor bias, long b, long h, long i, long j) {
        long bb = bias.dim(0) == 1 ? 0 : b;
        long hh = bias.dim(1) == 1 ? 0 : h;
        long ii = bias.dim(2) == 1 ? 0 : i;
        long rows = bias.dim(2), cols = bias.dim(3);
        return bias.getFloat(((bb * bias.dim(1) + hh) * rows + ii) * cols + j);
    }

    @Override
    public Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) {
        long b = x.dim(0), c = x.dim(1), t = x.dim(2), hh = x.dim(3), ww = x.dim(4);
        long o = weight.dim(0), kt = weight.dim(2), kh = weight.dim(3), kw = weight.dim(4);
        if (weight.dim(1) != c) throw new IllegalArgumentException("conv3d: input " + x + " vs weight " + weight);
        long ot = (t + 2L * padding[0] - kt) / stride[0] + 1;
        long oh = (hh + 2L * padding[1] - kh) / stride[1] + 1;
        long ow = (ww + 2L * padding[2] - kw) / stride[2] + 1;
        Tensor out = Tensor.zeros(DType.F32, b, o, ot, oh, ow);
        for (long bi = 0; bi < b; bi++)
            for (long oc = 0; oc < o; oc++)
                for (long z = 0; z < ot; z++)
                    for (long y = 0; y < oh; y++)
                        for (long xx = 0; xx < ow; xx++) {
                            double acc = bias == null ? 0 : bias.getFloat(oc);
                            for (long ic = 0; ic < c; ic++)
                                for (long a = 0; a < kt; a++) {
                                    long ti = z * stride[0] - padding[0] + a;
                                    if (ti < 0 || ti >= t) continue;
                                    for (long p = 0; p < kh; p++) {
                                        long yi = y * stride[1] - padding[1] + p;
                                        if (yi < 0 || yi >= hh) continue;
                                        for (long q = 0; q < kw; q++) {
                                            long xi = xx * stride[2] - padding[2] + q;
                                            if (xi < 0 || xi >= ww) continue;
                                            acc += (double) x.getFloat((((bi * c + ic) * t + ti) * hh + yi) * ww + xi)
                                                    * weight.getFloat((((oc * c + ic) * kt + a) * kh + p) * kw + q);
                                        }
                                    }
                                }
                            out.setFloat((((bi * o + oc) * ot + z) * oh + y) * ow + xx, (float) acc);
                        }
        return out;
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) {
        Tensor x3 = x.reshape(x.dim(0), x.dim(1), 1, x.dim(2), x.dim(3));
        Tensor w3 = weight.reshape(weight.dim(0), weight.dim(1), 1, weight.dim(2), weight.dim(3));
        Tensor y = conv3d(x3, w3, bias, new int[] {1, stride[0], stride[1]}, new int[] {0, padding[0], padding[1]});
        return y.reshape(y.dim(0), y.dim(1), y.dim(3), y.dim(4));
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) {
        long[] s = x.shape();
        int r = s.length;
        long h = s[r - 2], w = s[r - 1];
        long[] os = s.clone();
        os[r - 2] = h * factor;
        os[r - 1] = w * factor;
        Tensor out = Tensor.zeros(DType.F32, os);
        long planes = x.numel() / (h * w);
        for (long p = 0; p < planes; p++)
            for (long y = 0; y < h * factor; y++)
                for (long xx = 0; xx < w * factor; xx++)
                    out.setFloat((p * h * factor + y) * w * factor + xx, x.getFloat((p * h + y / factor) * w + xx / factor));
        return out;
    }

    @Override
    public Tensor pad(Tensor x, long[] before, long[] after, float value) {
        long[] s = x.shape();
        long[] os = new long[s.length];
        for (int i = 0; i < s.length; i++) os[i] = s[i] + before[i] + after[i];
        Tensor out = Tensor.zeros(DType.F32, os);
        long[] idx = new long[s.length];
        for (long i = 0, n = out.numel(); i < n; i++) {
            unravel(i, os, idx);
            boolean inside = true;
            long src = 0;
            for (int a = 0; a < s.length; a++) {
                long si = idx[a] - before[a];
                if (si < 0 || si >= s[a]) { inside = false; break; }
                src = src * s[a] + si;
            }
            out.setFloat(i, inside ? x.getFloat(src) : value);
        }
        return out;
    }

    @Override
    public Tensor concat(List<Tensor> parts, int dim) {
        long[] first = parts.get(0).shape();
        int ax = dim < 0 ? first.length + dim : dim;
        long[] os = first.clone();
        os[ax] = 0;
        for (Tensor p : parts) os[ax] += p.dim(ax);
        Tensor out = Tensor.zeros(DType.F32, os);
        long outer = 1;
        for (int i = 0; i < ax; i++) outer *= first[i];
        long inner = 1;
        for (int i = ax + 1; i < first.length; i++) inner *= first[i];
        long offset = 0;
        for (Tensor p : parts) {
            long len = p.dim(ax);
            for (long o = 0; o < outer; o++)
                for (long i = 0; i < len * inner; i++)
                    out.setFloat((o * os[ax] + offset) * inner + i, p.getFloat(o * len * inner + i));
            offset += len;
        }
        return out;
    }

    @Override
    public Tensor permute(Tensor x, int... dims) {
        long[] s = x.shape();
        long[] os = new long[s.length];
        for (int i = 0; i < s.length; i++) os[i] = s[dims[i]];
        Tensor out = Tensor.zeros(x.dtype().isFloatingPoint() ? DType.F32 : x.dtype(), os);
        long[] idx = new long[s.length];
        long[] src = new long[s.length];
        for (long i = 0, n = out.numel(); i < n; i++) {
            unravel(i, os, idx);
            for (int a = 0; a < s.length; a++) src[dims[a]] = idx[a];
            out.setDouble(i, x.getDouble(ravel(src, s)));
        }
        return out;
    }

    @Override
    public Tensor slice(Tensor x, int dim, long start, long end) {
        long[] s = x.shape();
        int ax = dim < 0 ? s.length + dim : dim;
        long[] os = s.clone();
        os[ax] = end - start;
        Tensor out = Tensor.zeros(DType.F32, os);
        long[] idx = new long[s.length];
        for (long i = 0, n = out.numel(); i < n; i++) {
            unravel(i, os, idx);
            idx[ax] += start;
            out.setFloat(i, x.getFloat(ravel(idx, s)));
        }
        return out;
    }

    // ---- helpers ---------------------------------------------------------------------

    private static Tensor map(Tensor x, DoubleUnaryOperator f) {
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        for (long i = 0, n = x.numel(); i < n; i++) out.setFloat(i, (float) f.applyAsDouble(x.getFloat(i)));
        return out;
    }

    /** Element-wise op with torch broadcasting (shapes aligned from the right). */
    private static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        long[] os = Broadcasting.shape(a.shape(), b.shape());
        Tensor out = Tensor.zeros(DType.F32, os);
        long[] idx = new long[os.length];
        for (long i = 0, n = out.numel(); i < n; i++) {
            unravel(i, os, idx);
            float va = a.getFloat(broadcastIndex(idx, a.shape()));
            float vb = b.getFloat(broadcastIndex(idx, b.shape()));
            out.setFloat(i, (float) f.applyAsDouble(va, vb));
        }
        return out;
    }

    private static long broadcastIndex(long[] outIdx, long[] shape) {
        int off = outIdx.length - shape.length;
        long flat = 0;
        for (int i = 0; i < shape.length; i++) flat = flat * shape[i] + (shape[i] == 1 ? 0 : outIdx[i + off]);
        return flat;
    }

    private static void unravel(long flat, long[] shape, long[] idx) {
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = shape[i] == 0 ? 0 : flat % shape[i];
            flat = shape[i] == 0 ? 0 : flat / shape[i];
        }
    }

    private static long ravel(long[] idx, long[] shape) {
        long flat = 0;
        for (int i = 0; i < shape.length; i++) flat = flat * shape[i] + idx[i];
        return flat;
    }
}
