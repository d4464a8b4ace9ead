package org.jcomfy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.junit.jupiter.api.Test;

class GemmTest {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** {M, N, K}: size one, below and above the vector width, tails in every dimension. */
    private static final int[][] SHAPES = {{1, 1, 1}, {1, 40, 3}, {5, 3, 17}, {4, 33, 16}, {9, 70, 37}, {13, 64, 64}};

    @Test
    void both_layouts_match_a_plain_loop_with_offsets_strides_alpha_and_beta() {
        Random rnd = new Random(3000);
        for (boolean transB : new boolean[] {true, false}) {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                // leading dimensions larger than the matrices and non-zero offsets: sub-matrices
                int lda = k + 3, ldb = (transB ? k : n) + 2, ldc = n + 5;
                long aOff = 7, bOff = 5, cOff = 3;
                int bRows = transB ? n : k;
                MemorySegment a = random(rnd, aOff + (long) m * lda), b = random(rnd, bOff + (long) bRows * ldb);
                MemorySegment c0 = random(rnd, cOff + (long) m * ldc);
                double[] expected = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        for (int p = 0; p < k; p++) {
                            float bv = transB ? b.getAtIndex(FLOAT, bOff + (long) j * ldb + p) : b.getAtIndex(FLOAT, bOff + (long) p * ldb + j);
                            acc += (double) a.getAtIndex(FLOAT, aOff + (long) i * lda + p) * bv;
                        }
                        expected[i * n + j] = 0.5 * acc + 2.0 * c0.getAtIndex(FLOAT, cOff + (long) i * ldc + j);
                    }
                }
                for (boolean nativeBlas : new boolean[] {true, false}) {
                    for (boolean simd : new boolean[] {true, false}) {
                        MemorySegment c = Arena.ofAuto().allocate(c0.byteSize(), 64);
                        c.copyFrom(c0);
                        Gemm.multiply(nativeBlas, simd, transB, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, 2f, c, cOff, ldc);
                        float[] actual = new float[m * n];
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) actual[i * n + j] = c.getAtIndex(FLOAT, cOff + (long) i * ldc + j);
                            // the padding between rows of C is left alone
                            for (int j = n; j < ldc && i < m - 1; j++) {
                                long at = cOff + (long) i * ldc + j;
                                assertTrue(c.getAtIndex(FLOAT, at) == c0.getAtIndex(FLOAT, at), "wrote outside C at " + at);
                            }
                        }
                        String what = "transB=" + transB + " native=" + nativeBlas + " simd=" + simd + " M=" + m + " N=" + n + " K=" + k;
                        double err = TensorMetrics.relativeL2(actual, expected);
                        assertTrue(err <= 1e-6, what + ": relative L2 " + err);
                    }
                }
            }
        }
    }

    private static MemorySegment random(Random rnd, long floats) {
        MemorySegment seg = Arena.ofAuto().allocate(floats * 4, 64);
        for (long i = 0; i < floats; i++) seg.setAtIndex(FLOAT, i, rnd.nextFloat() * 2 - 1);
        return seg;
    }
}
