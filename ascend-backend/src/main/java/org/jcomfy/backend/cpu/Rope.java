package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * Wan's 3-D rotary embedding ({@link org.jcomfy.backend.kernels.Kernels#rope3d}). The spec
 * asks for angles and products in float64, so this kernel stays scalar: it is a few flops
 * per element against the GEMMs around it. What makes it fast is the tables: cos and sin
 * are computed once per call for every (axis position, pair), and per token the three axes'
 * rows are gathered into one row of {@code headDim/2} pairs that every head reuses.
 */
final class Rope {
    private Rope() {}

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    static Tensor rope3d(CpuThreads threads, boolean simd, Tensor x, int frames, int height, int width, long firstToken) {
        if (x.rank() != 4 || x.dim(3) % 2 != 0) throw new IllegalArgumentException("rope3d expects [B, S, heads, even headDim], got " + x);
        if (firstToken < 0) throw new IllegalArgumentException("rope3d: first token " + firstToken + " is negative");
        long batch = x.dim(0), seq = x.dim(1);
        int heads = Math.toIntExact(x.dim(2)), d = Math.toIntExact(x.dim(3));
        int c = d / 2, nh = c / 3, nf = c - 2 * nh;
        double[][] frameTable = table(frames, nf), heightTable = table(height, nh), widthTable = table(width, nh);
        long tokens = Math.max(0, Math.min(seq, (long) frames * height * width - firstToken));

        Tensor src = Widen.f32(x, simd);
        Tensor out = src == x ? x.copy() : src;
        MemorySegment in = src.data(), o = out.data();
        long hw = (long) height * width;
        threads.parallelFor(batch * tokens, Math.max(1, 4096 / ((long) heads * d)), (start, end) -> {
            double[] cos = new double[c], sin = new double[c];
            for (long item = start; item < end; item++) {
                long b = item / tokens, t = item % tokens, g = firstToken + t;
                int f = (int) (g / hw), h = (int) ((g / width) % height), w = (int) (g % width);
                gather(frameTable, f, nf, 0, cos, sin);
                gather(heightTable, h, nh, nf, cos, sin);
                gather(widthTable, w, nh, nf + nh, cos, sin);
                long row = (b * seq + t) * heads * d;
                for (int hd = 0; hd < heads; hd++) {
                    long base = row + (long) hd * d;
                    for (int p = 0; p < c; p++) {
                        long i = base + 2L * p;
                        double re = in.getAtIndex(FLOAT, i), im = in.getAtIndex(FLOAT, i + 1);
                        o.setAtIndex(FLOAT, i, (float) (re * cos[p] - im * sin[p]));
                        o.setAtIndex(FLOAT, i + 1, (float) (re * sin[p] + im * cos[p]));
                    }
                }
            }
        });
        return out;
    }

    /**
     * {@code [positions][2·pairs]}: cos and sin, interleaved, of {@code position · ω_j} with
     * {@code ω_j = 10000^(−2j / (2·pairs))}, the frequencies of one axis.
     */
    private static double[][] table(int positions, int pairs) {
        double[][] t = new double[positions][2 * pairs];
        for (int j = 0; j < pairs; j++) {
            double omega = 1.0 / Math.pow(10000.0, (2.0 * j) / (2.0 * pairs));
            for (int pos = 0; pos < positions; pos++) {
                t[pos][2 * j] = Math.cos(pos * omega);
                t[pos][2 * j + 1] = Math.sin(pos * omega);
            }
        }
        return t;
    }

    private static void gather(double[][] table, int position, int pairs, int at, double[] cos, double[] sin) {
        double[] row = table[position];
        for (int j = 0; j < pairs; j++) {
            cos[at + j] = row[2 * j];
            sin[at + j] = row[2 * j + 1];
        }
    }
}
