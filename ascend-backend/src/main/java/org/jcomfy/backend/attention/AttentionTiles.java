package org.jcomfy.backend.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jcomfy.backend.cpu.Lanes;
import org.jcomfy.backend.cpu.VectorMath;

/**
 * The register-blocked inner loops both implementations are built from. Each tile keeps a
 * 4 x 4-vector block of results in registers (16 accumulators), streams one operand as
 * vectors and broadcasts the other one element at a time, as a GEMM micro-kernel does:
 * <ul>
 *   <li>{@link #scores}: 4 query rows x {@link #KEY_TILE} keys of q·kᵀ over the head dim,
 *       reading kᵀ (packed by {@link PackedHead}) one feature row at a time;</li>
 *   <li>{@link #accumulateValues}: 4 rows x {@link #VALUE_TILE} value features of p·v.</li>
 * </ul>
 * Callers pad rows to {@link #ROW_TILE} and widths to the tile sizes with zeros, so the
 * tiles have no tails.
 */
final class AttentionTiles {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final int ROW_TILE = 4;
    static final int KEY_TILE = 4 * L;
    static final int VALUE_TILE = 4 * L;

    private AttentionTiles() {}

    static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /**
     * {@code s[r][c] = Σ_e q[r][e] · kt[e][c]} for 4 rows r and {@link #KEY_TILE} columns c, where
     * q row r starts at {@code q[qAt + r·depth]}, kt row e at {@code kt[ktAt + e·ktStride]} and
     * s row r at {@code s[sAt + r·sStride]}.
     */
    static void scores(float[] q, int qAt, int depth, float[] kt, int ktAt, int ktStride,
                       float[] s, int sAt, int sStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int q0 = qAt, q1 = qAt + depth, q2 = qAt + 2 * depth, q3 = qAt + 3 * depth;
        for (int e = 0, k = ktAt; e < depth; e++, k += ktStride) {
            FloatVector k0 = FloatVector.fromArray(F, kt, k);
            FloatVector k1 = FloatVector.fromArray(F, kt, k + L);
            FloatVector k2 = FloatVector.fromArray(F, kt, k + 2 * L);
            FloatVector k3 = FloatVector.fromArray(F, kt, k + 3 * L);
            FloatVector b = FloatVector.broadcast(F, q[q0 + e]);
            a00 = k0.fma(b, a00); a01 = k1.fma(b, a01); a02 = k2.fma(b, a02); a03 = k3.fma(b, a03);
            b = FloatVector.broadcast(F, q[q1 + e]);
            a10 = k0.fma(b, a10); a11 = k1.fma(b, a11); a12 = k2.fma(b, a12); a13 = k3.fma(b, a13);
            b = FloatVector.broadcast(F, q[q2 + e]);
            a20 = k0.fma(b, a20); a21 = k1.fma(b, a21); a22 = k2.fma(b, a22); a23 = k3.fma(b, a23);
            b = FloatVector.broadcast(F, q[q3 + e]);
            a30 = k0.fma(b, a30); a31 = k1.fma(b, a31); a32 = k2.fma(b, a32); a33 = k3.fma(b, a33);
        }
        store4(s, sAt, a00, a01, a02, a03);
        store4(s, sAt + sStride, a10, a11, a12, a13);
        store4(s, sAt + 2 * sStride, a20, a21, a22, a23);
        store4(s, sAt + 3 * sStride, a30, a31, a32, a33);
    }

    /**
     * {@code o[r][c] += Σ_j p[r][j] · v[j][c]} for 4 rows r, j in {@code [0, keys)} and
     * {@link #VALUE_TILE} columns c, where p row r starts at {@code p[pAt + r·pStride]}, v row j
     * at {@code v[vAt + j·vStride]} and o row r at {@code o[oAt + r·oStride]}.
     */
    static void accumulateValues(float[] p, int pAt, int pStride, int keys, float[] v, int vAt, int vStride,
                                 float[] o, int oAt, int oStride) {
        int o0 = oAt, o1 = oAt + oStride, o2 = oAt + 2 * oStride, o3 = oAt + 3 * oStride;
        FloatVector a00 = load(o, o0), a01 = load(o, o0 + L), a02 = load(o, o0 + 2 * L), a03 = load(o, o0 + 3 * L);
        FloatVector a10 = load(o, o1), a11 = load(o, o1 + L), a12 = load(o, o1 + 2 * L), a13 = load(o, o1 + 3 * L);
        FloatVector a20 = load(o, o2), a21 = load(o, o2 + L), a22 = load(o, o2 + 2 * L), a23 = load(o, o2 + 3 * L);
        FloatVector a30 = load(o, o3), a31 = load(o, o3 + L), a32 = load(o, o3 + 2 * L), a33 = load(o, o3 + 3 * L);
        int p0 = pAt, p1 = pAt + pStride, p2 = pAt + 2 * pStride, p3 = pAt + 3 * pStride;
        for (int j = 0, at = vAt; j < keys; j++, at += vStride) {
            FloatVector v0 = FloatVector.fromArray(F, v, at);
            FloatVector v1 = FloatVector.fromArray(F, v, at + L);
            FloatVector v2 = FloatVector.fromArray(F, v, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, v, at + 3 * L);
            FloatVector b = FloatVector.broadcast(F, p[p0 + j]);
            a00 = v0.fma(b, a00); a01 = v1.fma(b, a01); a02 = v2.fma(b, a02); a03 = v3.fma(b, a03);
            b = FloatVector.broadcast(F, p[p1 + j]);
            a10 = v0.fma(b, a10); a11 = v1.fma(b, a11); a12 = v2.fma(b, a12); a13 = v3.fma(b, a13);
            b = FloatVector.broadcast(F, p[p2 + j]);
            a20 = v0.fma(b, a20); a21 = v1.fma(b, a21); a22 = v2.fma(b, a22); a23 = v3.fma(b, a23);
            b = FloatVector.broadcast(F, p[p3 + j]);
            a30 = v0.fma(b, a30); a31 = v1.fma(b, a31); a32 = v2.fma(b, a32); a33 = v3.fma(b, a33);
        }
        store4(o, o0, a00, a01, a02, a03);
        store4(o, o1, a10, a11, a12, a13);
        store4(o, o2, a20, a21, a22, a23);
        store4(o, o3, a30, a31, a32, a33);
    }

    /** Largest of {@code s[at, at + n)}, n a multiple of the vector length. */
    static float max(float[] s, int at, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += L) m = m.max(FloatVector.fromArray(F, s, at + j));
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * {@code s[j] = exp(s[j] - shift)} over {@code [at, at + n)}, n a multiple of the vector
     * length, and returns the sum; -inf scores become exactly 0.
     */
    static float expAndSum(float[] s, int at, int n, float shift) {
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j < n; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, s, at + j).sub(shift));
            e.intoArray(s, at + j);
            sum = sum.add(e);
        }
        return Lanes.sum(sum);
    }

    /** {@code x[at, at + n) *= factor}, n a multiple of the vector length. */
    static void scale(float[] x, int at, int n, float factor) {
        for (int j = 0; j < n; j += L) FloatVector.fromArray(F, x, at + j).mul(factor).intoArray(x, at + j);
    }

    private static FloatVector load(float[] a, int at) {
        return FloatVector.fromArray(F, a, at);
    }

    private static void store4(float[] s, int at, FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3) {
        x0.intoArray(s, at);
        x1.intoArray(s, at + L);
        x2.intoArray(s, at + 2 * L);
        x3.intoArray(s, at + 3 * L);
    }
}
