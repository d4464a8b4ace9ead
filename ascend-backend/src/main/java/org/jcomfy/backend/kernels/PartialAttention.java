package org.jcomfy.backend.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Attention over part of the keys, with what it takes to combine it with the other parts exactly:
 * the log-sum-exp of each query row's scores. Ring attention computes one per key shard and
 * {@link #merge}s them; the result is softmax attention over all the keys.
 *
 * @param out {@code [B, Sq, H, Dv]}, normalised over this part's keys (zeros for a row whose keys are all masked)
 * @param lse {@code [B, Sq, H]}: {@code log Σ_j exp(scale·q·k_j + bias_j)} over this part's keys (-inf when all are masked)
 */
public record PartialAttention(Tensor out, Tensor lse) {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    public PartialAttention {
        long[] o = out.shape(), l = lse.shape();
        if (o.length != 4 || !Arrays.equals(l, new long[] {o[0], o[1], o[2]})) {
            throw new IllegalArgumentException("partial attention needs out [B, Sq, H, Dv] and lse [B, Sq, H], got "
                    + Arrays.toString(o) + " and " + Arrays.toString(l));
        }
    }

    /**
     * This part and {@code other} (the same queries over other keys) as one: per row,
     * {@code lse = log(e^a + e^b)} and {@code out = e^(a−lse)·out_a + e^(b−lse)·out_b}, in double.
     */
    public PartialAttention merge(PartialAttention other) {
        if (!Arrays.equals(out.shape(), other.out.shape())) {
            throw new IllegalArgumentException("cannot merge attention of " + out + " with " + other.out);
        }
        Tensor o = Tensor.zeros(DType.F32, out.shape()), l = Tensor.zeros(DType.F32, lse.shape());
        MemorySegment oa = out.toF32().data(), ob = other.out.toF32().data(), la = lse.toF32().data(), lb = other.lse.toF32().data();
        MemorySegment oo = o.data(), lo = l.data();
        long rows = lse.numel(), dv = out.dim(3);
        for (long r = 0; r < rows; r++) {
            double a = la.getAtIndex(F, r), b = lb.getAtIndex(F, r), m = Math.max(a, b);
            if (m == Double.NEGATIVE_INFINITY) {   // no key of either part counts: zeros, as one masked call gives
                lo.setAtIndex(F, r, Float.NEGATIVE_INFINITY);
                continue;
            }
            double merged = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
            double wa = Math.exp(a - merged), wb = Math.exp(b - merged);
            lo.setAtIndex(F, r, (float) merged);
            for (long c = r * dv, end = c + dv; c < end; c++) {
                oo.setAtIndex(F, c, (float) (wa * oa.getAtIndex(F, c) + wb * ob.getAtIndex(F, c)));
            }
        }
        return new PartialAttention(o, l);
    }

    /**
     * The log-sum-exp of every query row's scores {@code scale·q·kᵀ + bias} (shapes as in
     * {@link Kernels#attention}), in double: {@code [B, Sq, H]}. A reference pass, for kernels that
     * do not keep their softmax's running maximum and sum.
     */
    public static Tensor logSumExp(Tensor q, Tensor k, Tensor bias, float scale) {
        Tensor qf = q.toF32(), kf = k.toF32(), bf = bias == null ? null : bias.toF32();
        long b = q.dim(0), sq = q.dim(1), h = q.dim(2), d = q.dim(3), sk = k.dim(1);
        Tensor lse = Tensor.zeros(DType.F32, b, sq, h);
        MemorySegment qs = qf.data(), ks = kf.data();
        double[] scores = new double[(int) sk];
        for (long bi = 0; bi < b; bi++) {
            for (long i = 0; i < sq; i++) {
                for (long hi = 0; hi < h; hi++) {
                    double max = Double.NEGATIVE_INFINITY;
                    long qRow = ((bi * sq + i) * h + hi) * d;
                    for (long j = 0; j < sk; j++) {
                        long kRow = ((bi * sk + j) * h + hi) * d;
                        double dot = 0;
                        for (long c = 0; c < d; c++) dot += (double) qs.getAtIndex(F, qRow + c) * ks.getAtIndex(F, kRow + c);
                        double s = dot * scale + (bf == null ? 0 : ReferenceKernels.biasAt(bf, bi, hi, i, j));
                        scores[(int) j] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    if (max != Double.NEGATIVE_INFINITY) for (long j = 0; j < sk; j++) sum += Math.exp(scores[(int) j] - max);
                    lse.setFloat((bi * sq + i) * h + hi, (float) (max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum)));
                }
            }
        }
        return lse;
    }
}
