package org.jcomfy.nodes.sampling;

/**
 * {@code torch.linspace(start, end, steps)} for a float32 CPU tensor, with torch's rounding: the step is
 * {@code (end - start) / (steps - 1)} in float, the first half counts up from start and the second half down
 * from end, and full blocks of 16 come from the AVX2 kernel, which adds multiples of the step to a block base
 * ({@code Vectorized<float>::arange}) instead of multiplying each index. The multiply-adds that give each point
 * (or block base) are fused, as the torch build compiled them; all of this was settled against torch 1.13's
 * output (tools/make_schedule_testdata.py).
 */
final class TorchLinspace {
    private TorchLinspace() {}

    private static final int VECTOR = 8;

    static float[] of(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        if (steps <= 0) {
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        int vectorized = steps / (2 * VECTOR) * (2 * VECTOR); // the kernel takes pairs of 8-lane vectors
        int i = 0;
        for (; i < vectorized; i += VECTOR) {
            float base = at(i, start, end, step, steps, halfway);
            out[i] = base;
            for (int lane = 1; lane < VECTOR; lane++) {
                out[i + lane] = base + (float) lane * step;
            }
        }
        for (; i < steps; i++) {
            out[i] = at(i, start, end, step, steps, halfway);
        }
        return out;
    }

    /** One point, counted from the nearer end; the compiler fused the multiply-add (verified against torch). */
    private static float at(int i, float start, float end, float step, int steps, int halfway) {
        return i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - i - 1), end);
    }
}
