package org.jcomfy.nodes.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A test fixture: a small Wan2.1 text-to-video DiT in ComfyUI's repackaged layout
 * ({@code model.diffusion_model.} + the official key names) with seeded random weights of a known
 * scale, at any text width, for tests that compute on the weights themselves (LoRA patches). Tests
 * that want a model which has learned something use the trained demo DiT ({@link DemoModels}).
 */
public final class DemoDitWeights {
    private DemoDitWeights() {}

    /**
     * The shape of a demo DiT; patch size is always (1, 2, 2). The head count is not stored: like
     * ComfyUI, loaders derive it as dim / 128, the head dim of every released Wan model.
     */
    public record Spec(int dim, int ffnDim, int layers, int freqDim, int textDim, int inDim, int outDim) {
        /** 2 heads of 128, 4 layers: the 1.3B block at a fraction of its width and depth. */
        public static Spec demo(int textDim) { return new Spec(256, 1024, 4, 256, textDim, 16, 16); }
    }

    public static void write(Path file, Spec s, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        String p = "model.diffusion_model.";
        int d = s.dim();
        t.put(p + "patch_embedding.weight", normal(rng, 1.0 / Math.sqrt(s.inDim() * 4), d, s.inDim(), 1, 2, 2));
        t.put(p + "patch_embedding.bias", normal(rng, 0.01, d));
        linear(t, rng, p + "text_embedding.0", d, s.textDim());
        linear(t, rng, p + "text_embedding.2", d, d);
        linear(t, rng, p + "time_embedding.0", d, s.freqDim());
        linear(t, rng, p + "time_embedding.2", d, d);
        linear(t, rng, p + "time_projection.1", 6 * d, d);
        for (int i = 0; i < s.layers(); i++) {
            String b = p + "blocks." + i + ".";
            t.put(b + "modulation", normal(rng, 1.0 / Math.sqrt(d), 1, 6, d));
            for (String attn : new String[] {"self_attn", "cross_attn"}) {
                for (String proj : new String[] {"q", "k", "v", "o"}) linear(t, rng, b + attn + "." + proj, d, d);
                t.put(b + attn + ".norm_q.weight", ones(d));
                t.put(b + attn + ".norm_k.weight", ones(d));
            }
            t.put(b + "norm3.weight", ones(d));
            t.put(b + "norm3.bias", Tensor.zeros(DType.F32, d));
            linear(t, rng, b + "ffn.0", s.ffnDim(), d);
            linear(t, rng, b + "ffn.2", d, s.ffnDim());
        }
        t.put(p + "head.modulation", normal(rng, 1.0 / Math.sqrt(d), 1, 2, d));
        linear(t, rng, p + "head.head", s.outDim() * 4, d);
        SafeTensorsWriter.write(file, t, Map.of("jcomfy_demo", "wan2.1 t2v demo DiT, random weights, seed " + seed));
    }

    private static void linear(Map<String, Tensor> t, SplittableRandom rng, String name, int out, int in) {
        t.put(name + ".weight", normal(rng, 1.0 / Math.sqrt(in), out, in));
        t.put(name + ".bias", normal(rng, 0.01, out));
    }

    static Tensor normal(SplittableRandom rng, double std, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian(rng) * std);
        return Tensor.of(v, shape);
    }

    private static Tensor ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return Tensor.of(v, n);
    }

    /** Box-Muller from the splittable generator, so the file depends on the seed alone. */
    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
