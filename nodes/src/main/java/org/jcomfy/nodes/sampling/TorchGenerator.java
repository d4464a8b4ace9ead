package org.jcomfy.nodes.sampling;

/**
 * Reproduces PyTorch's CPU generator: {@code torch.manual_seed(seed)} followed by {@code torch.randn(shape)}
 * calls, bit for bit, so that a seed gives ComfyUI's noise.
 *
 * <p>Facts reproduced (PyTorch {@code CPUGeneratorImpl}, {@code DistributionTemplates.h}, checked by
 * experiment against torch 1.13 on x86-64 with AVX2, see {@code tools/make_torch_noise_testdata.py}):
 * <ul>
 *   <li>The engine is MT19937 seeded with the low 32 bits of the (unsigned 64-bit) seed.</li>
 *   <li>A float32 tensor with 16 or more elements is filled with float uniforms
 *       {@code (next32 & 0xFFFFFF) * 2^-24}, then transformed in blocks of 16 by Box-Muller
 *       (first 8 = radius·cos, last 8 = radius·sin, with u1 = 1 - uniform). A tail that is not a multiple of 16
 *       is handled by drawing 16 fresh uniforms for the last 16 positions and transforming them again.
 *       On x86 with AVX2 (what ComfyUI users on PCs run) the transform uses the Cephes-style polynomial
 *       {@code log256_ps}/{@code sincos256_ps} of {@code avx_mathfun.h}, which {@link AvxMath} reproduces.</li>
 *   <li>Smaller tensors use the scalar path: per element a double normal from two 53-bit double uniforms
 *       (Box-Muller, the sine half cached for the next element), rounded to float.</li>
 * </ul>
 * One instance is one {@code torch.Generator}: successive {@link #randn} calls continue the stream.
 */
public final class TorchGenerator {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int next;
    /** Cached second value of the scalar (double) Box-Muller path, as torch keeps it on the generator. */
    private boolean hasCachedNormal;
    private double cachedNormal;

    /** Same as {@code torch.manual_seed(seed)}; the seed is read as an unsigned 64-bit value. */
    public TorchGenerator(long seed) {
        state[0] = (int) seed; // torch keeps only the low 32 bits
        for (int j = 1; j < N; j++) {
            int prev = state[j - 1];
            state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
        next = N; // the first draw regenerates the state
    }

    /** One tempered 32-bit output of MT19937 (as an unsigned value in the low bits of an int). */
    int nextInt32() {
        if (next >= N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & UPPER_MASK) | (state[(k + 1) % N] & LOWER_MASK);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
        }
        next = 0;
    }

    /** torch's {@code uniform_real_distribution<float>(0, 1)}: 24 random bits. */
    float nextFloatUniform() {
        return (nextInt32() & 0xFFFFFF) * 0x1p-24f;
    }

    /** torch's {@code uniform_real_distribution<double>(0, 1)}: 53 bits of {@code random64()}. */
    double nextDoubleUniform() {
        long hi = Integer.toUnsignedLong(nextInt32());
        long lo = Integer.toUnsignedLong(nextInt32());
        long bits = (hi << 32) | lo;
        return (bits & ((1L << 53) - 1)) * 0x1p-53;
    }

    /** torch's {@code normal_distribution<double>(0, 1)} with its cached second sample. */
    double nextDoubleNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextDoubleUniform();
        double u2 = nextDoubleUniform();
        double r = Math.sqrt(-2.0 * Math.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * Math.sin(theta);
        hasCachedNormal = true;
        return r * Math.cos(theta);
    }

    /** {@code torch.randn(numel, generator=this)} for a contiguous float32 tensor, flattened. */
    public float[] randn(int numel) {
        float[] out = new float[numel];
        if (numel < 16) {
            for (int i = 0; i < numel; i++) {
                out[i] = (float) nextDoubleNormal();
            }
            return out;
        }
        for (int i = 0; i < numel; i++) {
            out[i] = nextFloatUniform();
        }
        for (int i = 0; i + 16 <= numel; i += 16) {
            AvxMath.boxMuller16(out, i);
        }
        if (numel % 16 != 0) {
            int start = numel - 16; // torch recomputes the last 16 values from fresh uniforms
            for (int i = 0; i < 16; i++) {
                out[start + i] = nextFloatUniform();
            }
            AvxMath.boxMuller16(out, start);
        }
        return out;
    }

    /** {@code torch.randn(shape, generator=this)}; the values in row-major order. */
    public float[] randn(long... shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return randn(Math.toIntExact(n));
    }
}
