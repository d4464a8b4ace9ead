package org.jcomfy.nodes.loaders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.demo.DemoDitWeights;
import org.jcomfy.nodes.models.ForwardPlan;
import org.jcomfy.nodes.models.wan.dit.WanWeights;
import org.jcomfy.nodes.testing.TestContext;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.TextEncoder;
import org.jcomfy.nodes.models.wan.t5.DemoTextEncoderWeights;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LoraLoaderModelOnly and LoraLoader on the demo DiT's architecture (random weights written by
 * the test, as are the LoRA files), each result checked against W + s · scale · (up @ down)
 * computed here directly in double precision from the file's own tensors.
 */
class LoraLoaderTest {
    private static final String DIT = "demo-dit.safetensors";
    private static final int DIM = 256, FFN = 1024;
    /** float32 sums of rank-4 products of values near 1/16 and weights near 1/16: far below this. */
    private static final double TOLERANCE = 1e-6;

    @TempDir Path dir;
    private TestContext ctx;
    /** The DiT file's tensors under model-relative keys (prefix removed), as float arrays. */
    private final Map<String, float[]> dit = new HashMap<>();

    @BeforeEach
    void writeTheDemoDit() throws Exception {
        ctx = new TestContext(dir);
        Path models = Files.createDirectories(dir.resolve("models/diffusion_models"));
        Files.createDirectories(dir.resolve("models/loras"));
        DemoDitWeights.write(models.resolve(DIT), DemoDitWeights.Spec.demo(32), 11);
        try (SafeTensorsFile f = SafeTensorsFile.open(models.resolve(DIT))) {
            for (String k : f.names()) dit.put(k.substring("model.diffusion_model.".length()), f.tensor(k).toFloatArray());
        }
    }

    private DiffusionModel baseModel(String weightDtype) throws Exception {
        return (DiffusionModel) new UnetLoader().execute(
                new NodeInputs(Map.of("unet_name", DIT, "weight_dtype", weightDtype)), ctx).results().get(0);
    }

    private NodeOutput modelOnly(DiffusionModel model, String lora, double strength) throws Exception {
        return new LoraLoaderModelOnly().execute(new NodeInputs(Map.of("model", model, "lora_name", lora, "strength_model", strength)), ctx);
    }

    private static DiffusionModel modelOf(NodeOutput out) { return (DiffusionModel) out.results().get(0); }

    private static WanWeights weightsOf(DiffusionModel m) { return ((WanDiffusionNet) m.net()).model().weights(); }

    private void writeLora(String name, Map<String, Tensor> tensors) throws Exception {
        SafeTensorsWriter.write(dir.resolve("models/loras").resolve(name), tensors);
    }

    private static Tensor random(SplittableRandom rng, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() - 0.5) / 8);
        return Tensor.of(v, shape);
    }

    /** One low-rank term: {@code factor} is strength · alpha / rank. */
    private record Term(Tensor up, Tensor down, double factor) {}

    /** {@code base + Σ strength · scale · up @ down}, row-major, in double. */
    private static double[] expected(float[] w, List<Term> lowRanks) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) out[i] = w[i];
        for (Term lr : lowRanks) {
            Tensor up = lr.up(), down = lr.down();
            double factor = lr.factor();
            int rows = (int) up.dim(0), rank = (int) down.dim(0), cols = (int) (down.numel() / rank);
            float[] u = up.toFloatArray(), d = down.toFloatArray();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double s = 0;
                    for (int j = 0; j < rank; j++) s += (double) u[r * rank + j] * d[j * cols + c];
                    out[r * cols + c] += factor * s;
                }
            }
        }
        return out;
    }

    private static void assertClose(double[] expected, Tensor actual, String what) {
        float[] a = actual.toFloatArray();
        assertEquals(expected.length, a.length, what);
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected[i]));
        assertTrue(worst <= TOLERANCE, what + ": max |difference| " + worst);
    }

    private static void assertUnchanged(float[] expected, Tensor actual, String what) {
        assertArrayEquals(expected, actual.toFloatArray(), what + " must be the base model's, bit for bit");
    }

    /**
     * One LoRA per format, each patching self_attn.q of block 1, cross_attn.o of block 2 and ffn.0
     * of block 3 under the format's own module names, rank 4; alpha 2 where the format has one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"comfy_up_down", "comfy_lora_A_B", "peft_diffusers", "kohya"})
    void each_key_format_patches_its_modules_as_W_plus_strength_times_alpha_over_rank_times_up_down(String format) throws Exception {
        SplittableRandom rng = new SplittableRandom(format.hashCode());
        String[][] modules = { // official module, diffusers module, in, out
                {"blocks.1.self_attn.q", "blocks.1.attn1.to_q", "256", "256"},
                {"blocks.2.cross_attn.o", "blocks.2.attn2.to_out.0", "256", "256"},
                {"blocks.3.ffn.0", "blocks.3.ffn.net.0.proj", "256", "1024"}};
        Map<String, Tensor> file = new LinkedHashMap<>();
        Map<String, Term> byModule = new HashMap<>();
        boolean hasAlpha = !format.equals("peft_diffusers");
        for (String[] m : modules) {
            Tensor up = random(rng, Long.parseLong(m[3]), 4), down = random(rng, 4, Long.parseLong(m[2]));
            String name = switch (format) {
                case "comfy_up_down", "comfy_lora_A_B" -> "diffusion_model." + m[0];
                case "peft_diffusers" -> "transformer." + m[1];
                default -> "lora_unet_" + m[0].replace('.', '_');
            };
            boolean upDown = format.equals("comfy_up_down") || format.equals("kohya");
            file.put(name + (upDown ? ".lora_up.weight" : ".lora_B.weight"), up);
            file.put(name + (upDown ? ".lora_down.weight" : ".lora_A.weight"), down);
            if (hasAlpha) file.put(name + ".alpha", Tensor.of(new float[] {2f}));
            byModule.put(m[0], new Term(up, down, 0.7 * (hasAlpha ? 2.0 / 4 : 1.0)));
        }
        writeLora(format + ".safetensors", file);

        DiffusionModel model = baseModel("default");
        NodeOutput out = modelOnly(model, format + ".safetensors", 0.7);
        assertNull(out.ui(), "every key applies: nothing to report");
        WanWeights w = weightsOf(modelOf(out));
        assertClose(expected(dit.get("blocks.1.self_attn.q.weight"), List.of(byModule.get("blocks.1.self_attn.q"))),
                w.blocks().get(1).selfAttn().q().weight(), format + " self_attn.q");
        assertClose(expected(dit.get("blocks.2.cross_attn.o.weight"), List.of(byModule.get("blocks.2.cross_attn.o"))),
                w.blocks().get(2).crossAttn().o().weight(), format + " cross_attn.o");
        assertClose(expected(dit.get("blocks.3.ffn.0.weight"), List.of(byModule.get("blocks.3.ffn.0"))),
                w.blocks().get(3).ffn1().weight(), format + " ffn.0");
        // Tensors the LoRA does not touch are the base model's own, not copies.
        assertSame(weightsOf(model).blocks().get(1).selfAttn().k().weight(), w.blocks().get(1).selfAttn().k().weight());
        assertSame(weightsOf(model).blocks().get(1).selfAttn().q().bias(), w.blocks().get(1).selfAttn().q().bias());
    }

    @Test
    void diff_and_diff_b_add_strength_times_the_full_tensor_to_a_weight_a_bias_and_a_modulation() throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor diff = random(rng, DIM), diffB = random(rng, DIM), mod = random(rng, 1, 6, DIM), qDiff = random(rng, DIM, DIM);
        writeLora("diff.safetensors", Map.of(
                "diffusion_model.blocks.0.norm3.diff", diff,
                "diffusion_model.blocks.0.norm3.diff_b", diffB,
                "diffusion_model.blocks.2.modulation.diff", mod,
                "diffusion_model.blocks.0.self_attn.q.diff", qDiff));
        DiffusionModel patched = modelOf(modelOnly(baseModel("default"), "diff.safetensors", -1.5));
        WanWeights.Block b0 = weightsOf(patched).blocks().get(0);
        assertClose(plus(dit.get("blocks.0.norm3.weight"), diff, -1.5), b0.norm3Weight(), "norm3.weight");
        assertClose(plus(dit.get("blocks.0.norm3.bias"), diffB, -1.5), b0.norm3Bias(), "norm3.bias");
        assertClose(plus(dit.get("blocks.2.modulation"), mod, -1.5), weightsOf(patched).blocks().get(2).modulation(), "modulation");
        assertClose(plus(dit.get("blocks.0.self_attn.q.weight"), qDiff, -1.5), b0.selfAttn().q().weight(), "self_attn.q");
    }

    private static double[] plus(float[] w, Tensor diff, double s) {
        float[] d = diff.toFloatArray();
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) out[i] = w[i] + s * d[i];
        return out;
    }

    @Test
    void two_chained_loras_compose_on_the_base_weights() throws Exception {
        SplittableRandom rng = new SplittableRandom(9);
        Tensor upA = random(rng, DIM, 4), downA = random(rng, 4, DIM), upB = random(rng, DIM, 8), downB = random(rng, 8, DIM);
        Tensor upF = random(rng, FFN, 8), downF = random(rng, 8, DIM);
        writeLora("a.safetensors", Map.of(
                "diffusion_model.blocks.0.self_attn.v.lora_up.weight", upA,
                "diffusion_model.blocks.0.self_attn.v.lora_down.weight", downA,
                "diffusion_model.blocks.0.self_attn.v.alpha", Tensor.of(new float[] {1f})));
        writeLora("b.safetensors", Map.of(
                "transformer.blocks.0.attn1.to_v.lora_B.weight", upB,
                "transformer.blocks.0.attn1.to_v.lora_A.weight", downB,
                "transformer.blocks.1.ffn.net.0.proj.lora_B.weight", upF,
                "transformer.blocks.1.ffn.net.0.proj.lora_A.weight", downF));
        DiffusionModel first = modelOf(modelOnly(baseModel("default"), "a.safetensors", 0.5));
        DiffusionModel both = modelOf(modelOnly(first, "b.safetensors", -1.2));
        assertClose(expected(dit.get("blocks.0.self_attn.v.weight"),
                        List.of(new Term(upA, downA, 0.5 * 1 / 4.0), new Term(upB, downB, -1.2))),
                weightsOf(both).blocks().get(0).selfAttn().v().weight(), "self_attn.v with both");
        assertClose(expected(dit.get("blocks.1.ffn.0.weight"), List.of(new Term(upF, downF, -1.2))),
                weightsOf(both).blocks().get(1).ffn1().weight(), "ffn.0 with the second");
        // The first MODEL is still what the first LoRA alone makes.
        assertClose(expected(dit.get("blocks.0.self_attn.v.weight"), List.of(new Term(upA, downA, 0.5 / 4))),
                weightsOf(first).blocks().get(0).selfAttn().v().weight(), "self_attn.v with the first only");
    }

    @Test
    void keys_that_match_nothing_are_reported_with_their_reason_and_the_rest_still_applies() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor up = random(rng, DIM, 4), down = random(rng, 4, DIM);
        Map<String, Tensor> file = new LinkedHashMap<>();
        file.put("diffusion_model.blocks.0.cross_attn.k.lora_up.weight", up);
        file.put("diffusion_model.blocks.0.cross_attn.k.lora_down.weight", down);
        file.put("diffusion_model.blocks.7.self_attn.q.lora_up.weight", up);          // the demo DiT has 4 blocks
        file.put("diffusion_model.blocks.7.self_attn.q.lora_down.weight", down);
        file.put("lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", up);   // a text-encoder key
        file.put("diffusion_model.blocks.1.self_attn.k.lora_up.weight", up);          // no down
        file.put("diffusion_model.blocks.1.ffn.2.lora_up.weight", up);                // ffn.2 is [256, 1024]: down is too narrow
        file.put("diffusion_model.blocks.1.ffn.2.lora_down.weight", down);
        file.put("diffusion_model.blocks.2.self_attn.q.hada_w1_a", up);               // LoHa: not applied
        writeLora("partly.safetensors", file);

        NodeOutput out = modelOnly(baseModel("default"), "partly.safetensors", 1.0);
        assertNotNull(out.ui(), "the node reports what was not loaded");
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) out.ui().get("lora_keys_not_loaded").get(0);
        assertEquals("loras/partly.safetensors", report.get("lora"));
        assertEquals(1, report.get("patched"));
        assertEquals(7, report.get("not_loaded"), report.toString());
        String keys = report.get("keys").toString();
        for (String k : List.of("blocks.7.self_attn.q.lora_up.weight", "blocks.7.self_attn.q.lora_down.weight",
                "lora_te_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", "blocks.1.self_attn.k.lora_up.weight",
                "blocks.1.ffn.2.lora_up.weight", "blocks.1.ffn.2.lora_down.weight", "hada_w1_a")) {
            assertTrue(keys.contains(k), k + " in " + keys);
        }
        assertTrue(keys.contains("no such module") && keys.contains("needs both up and down") && keys.contains("does not fit")
                && keys.contains("text-encoder key") && keys.contains("not a LoRA, diff or alpha key"), keys);
        assertClose(expected(dit.get("blocks.0.cross_attn.k.weight"), List.of(new Term(up, down, 1.0))),
                weightsOf(modelOf(out)).blocks().get(0).crossAttn().k().weight(), "the matching pair");
    }

    @Test
    void the_base_model_is_untouched_and_predicts_exactly_as_before() throws Exception {
        SplittableRandom rng = new SplittableRandom(4);
        Map<String, Tensor> file = new LinkedHashMap<>();
        for (int b = 0; b < 4; b++) {
            for (String m : List.of("self_attn.q", "self_attn.o", "cross_attn.v")) {
                file.put("diffusion_model.blocks." + b + "." + m + ".lora_up.weight", random(rng, DIM, 4));
                file.put("diffusion_model.blocks." + b + "." + m + ".lora_down.weight", random(rng, 4, DIM));
            }
        }
        writeLora("many.safetensors", file);
        DiffusionModel model = baseModel("default");
        Tensor x = random(rng, 1, 16, 1, 4, 4), text = random(rng, 1, 8, 32);
        float[] before = model.net().forward(x, new double[] {500}, text, Map.of(), ForwardPlan.PLAIN).toFloatArray();

        DiffusionModel patched = modelOf(modelOnly(model, "many.safetensors", 1.0));
        float[] withLora = patched.net().forward(x, new double[] {500}, text, Map.of(), ForwardPlan.PLAIN).toFloatArray();
        float[] after = baseModel("default").net().forward(x, new double[] {500}, text, Map.of(), ForwardPlan.PLAIN).toFloatArray();

        assertArrayEquals(before, after, "the base MODEL predicts bit for bit as before the LoRA");
        assertNotEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(withLora), "the LoRA changes the prediction");
        WanWeights w = weightsOf(model);
        for (int b = 0; b < 4; b++) {
            assertUnchanged(dit.get("blocks." + b + ".self_attn.q.weight"), w.blocks().get(b).selfAttn().q().weight(), "q of block " + b);
            assertUnchanged(dit.get("blocks." + b + ".cross_attn.v.weight"), w.blocks().get(b).crossAttn().v().weight(), "v of block " + b);
        }
    }

    @Test
    void an_equal_stack_is_patched_once_and_shared_while_another_strength_is_patched_anew() throws Exception {
        SplittableRandom rng = new SplittableRandom(6);
        writeLora("one.safetensors", Map.of(
                "diffusion_model.blocks.0.self_attn.q.lora_up.weight", random(rng, DIM, 4),
                "diffusion_model.blocks.0.self_attn.q.lora_down.weight", random(rng, 4, DIM)));
        DiffusionModel a = modelOf(modelOnly(baseModel("default"), "one.safetensors", 0.8));
        DiffusionModel b = modelOf(modelOnly(baseModel("default"), "one.safetensors", 0.8));
        DiffusionModel c = modelOf(modelOnly(baseModel("default"), "one.safetensors", 0.9));
        assertSame(a.net(), b.net(), "the same (model, LoRA, strength) is computed once");
        assertNotEquals(a.net(), c.net());
        assertNotEquals(a.net(), baseModel("default").net());
    }

    @Test
    void a_lora_file_replaced_on_disk_is_read_anew() throws Exception {
        SplittableRandom rng = new SplittableRandom(13);
        Tensor first = random(rng, DIM, DIM), second = random(rng, DIM, DIM);
        writeLora("changing.safetensors", Map.of("diffusion_model.blocks.0.self_attn.q.diff", first));
        Tensor before = weightsOf(modelOf(modelOnly(baseModel("default"), "changing.safetensors", 1.0))).blocks().get(0).selfAttn().q().weight();
        writeLora("changing.safetensors", Map.of("diffusion_model.blocks.0.self_attn.q.diff", second));
        Tensor after = weightsOf(modelOf(modelOnly(baseModel("default"), "changing.safetensors", 1.0))).blocks().get(0).selfAttn().q().weight();
        assertClose(plus(dit.get("blocks.0.self_attn.q.weight"), first, 1.0), before, "the first file");
        assertClose(plus(dit.get("blocks.0.self_attn.q.weight"), second, 1.0), after, "the file that replaced it");
    }

    @Test
    void strength_zero_returns_the_model_itself_as_comfyui_does() throws Exception {
        writeLora("zero.safetensors", Map.of("diffusion_model.blocks.0.self_attn.q.diff", Tensor.zeros(DType.F32, DIM, DIM)));
        DiffusionModel model = baseModel("default");
        assertSame(model, modelOf(modelOnly(model, "zero.safetensors", 0.0)));
    }

    @Test
    void an_fp8_model_keeps_its_dtype_and_the_patch_is_rounded_once_into_it() throws Exception {
        SplittableRandom rng = new SplittableRandom(8);
        Tensor up = random(rng, DIM, 4), down = random(rng, 4, DIM);
        writeLora("fp8.safetensors", Map.of(
                "diffusion_model.blocks.0.self_attn.q.lora_up.weight", up,
                "diffusion_model.blocks.0.self_attn.q.lora_down.weight", down));
        DiffusionModel model = baseModel("fp8_e4m3fn");
        Tensor stored = weightsOf(model).blocks().get(0).selfAttn().q().weight();
        Tensor patched = weightsOf(modelOf(modelOnly(model, "fp8.safetensors", 4.0))).blocks().get(0).selfAttn().q().weight();
        assertEquals(DType.F8_E4M3FN, patched.dtype());
        double[] exact = expected(stored.toFloatArray(), List.of(new Term(up, down, 4.0)));
        Tensor rounded = Tensor.of(toFloats(exact), DIM, DIM).copyAs(DType.F8_E4M3FN);
        float[] p = patched.toFloatArray(), r = rounded.toFloatArray();
        int differing = 0;
        for (int i = 0; i < p.length; i++) if (p[i] != r[i]) differing++;
        // float32 sums and the double reference round to the same fp8 value except at rare near-ties
        assertTrue(differing <= p.length / 1000, differing + " of " + p.length + " elements differ from the rounded reference");
        assertNotEquals(java.util.Arrays.toString(stored.toFloatArray()), java.util.Arrays.toString(p));
    }

    /**
     * ComfyUI's {@code *_fp8_scaled} files store a matrix as fp8 W/s beside its {@code scale_weight}
     * s: the patch goes into the stored tensor as W/s + change/s, and the scale stays.
     */
    @Test
    void a_scaled_fp8_matrix_takes_the_change_divided_by_its_scale_and_keeps_the_scale() throws Exception {
        Path scaled = dir.resolve("models/diffusion_models/scaled.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("models/diffusion_models").resolve(DIT))) {
            for (String k : f.names()) tensors.put(k, f.tensor(k).copy());
        }
        String q = "model.diffusion_model.blocks.0.self_attn.q";
        float s = 0.25f;
        float[] w = tensors.get(q + ".weight").toFloatArray();
        for (int i = 0; i < w.length; i++) w[i] /= s;
        tensors.put(q + ".weight", Tensor.of(w, DIM, DIM).copyAs(DType.F8_E4M3FN));
        tensors.put(q + ".scale_weight", Tensor.of(new float[] {s}));
        tensors.put("scaled_fp8", Tensor.zeros(DType.F8_E4M3FN, 0));
        SafeTensorsWriter.write(scaled, tensors);
        SplittableRandom rng = new SplittableRandom(14);
        Tensor up = random(rng, DIM, 4), down = random(rng, 4, DIM);
        writeLora("on_scaled.safetensors", Map.of(
                "diffusion_model.blocks.0.self_attn.q.lora_up.weight", up,
                "diffusion_model.blocks.0.self_attn.q.lora_down.weight", down));

        DiffusionModel model = (DiffusionModel) new UnetLoader().execute(
                new NodeInputs(Map.of("unet_name", "scaled.safetensors", "weight_dtype", "default")), ctx).results().get(0);
        WanWeights.Linear stored = weightsOf(model).blocks().get(0).selfAttn().q();
        WanWeights.Linear patched = weightsOf(modelOf(modelOnly(model, "on_scaled.safetensors", 2.0))).blocks().get(0).selfAttn().q();
        assertEquals(s, patched.scale(), "the scale stays");
        assertEquals(DType.F8_E4M3FN, patched.weight().dtype());
        double[] exact = expected(stored.weight().toFloatArray(), List.of(new Term(up, down, 2.0 / s)));
        float[] p = patched.weight().toFloatArray(), r = Tensor.of(toFloats(exact), DIM, DIM).copyAs(DType.F8_E4M3FN).toFloatArray();
        int differing = 0;
        for (int i = 0; i < p.length; i++) if (p[i] != r[i]) differing++;
        assertTrue(differing <= p.length / 1000, differing + " of " + p.length + " elements differ from the rounded reference");
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private TextEncoder textEncoder(String name) throws Exception {
        return (TextEncoder) new ClipLoader().execute(new NodeInputs(Map.of("clip_name", name, "type", "wan")), ctx).results().get(0);
    }

    /**
     * LoraLoader with a file holding DiT and text-encoder keys: each side patched at its own
     * strength. The text encoder is checked against an encoder file whose tensor is the patched
     * one computed here, and the base encoder still encodes exactly as before.
     */
    @Test
    void lora_loader_patches_the_model_and_the_text_encoder_each_at_its_strength() throws Exception {
        Path encoders = Files.createDirectories(dir.resolve("models/text_encoders"));
        DemoTextEncoderWeights.write(encoders.resolve("te.safetensors"), 3);
        String q = "encoder.block.1.layer.0.SelfAttention.q.weight";
        Map<String, Tensor> teTensors = new LinkedHashMap<>();
        long[] qShape;
        try (SafeTensorsFile te = SafeTensorsFile.open(encoders.resolve("te.safetensors"))) {
            qShape = te.entry(q).shape();
            for (String k : te.names()) teTensors.put(k, te.tensor(k).copy());
        }
        SplittableRandom rng = new SplittableRandom(10);
        Tensor up = random(rng, DIM, 4), down = random(rng, 4, DIM);
        Tensor teUp = random(rng, qShape[0], 2), teDown = random(rng, 2, qShape[1]);
        writeLora("both.safetensors", Map.of(
                "lora_unet_blocks_2_self_attn_k.lora_up.weight", up,
                "lora_unet_blocks_2_self_attn_k.lora_down.weight", down,
                "text_encoders.umt5xxl.transformer.encoder.block.1.layer.0.SelfAttention.q.lora_up.weight", teUp,
                "text_encoders.umt5xxl.transformer.encoder.block.1.layer.0.SelfAttention.q.lora_down.weight", teDown,
                "text_encoders.umt5xxl.transformer.encoder.block.1.layer.0.SelfAttention.q.alpha", Tensor.of(new float[] {1f})));
        // The reference encoder: the same file with q replaced by W + 0.6 · (1/2) · up @ down, rounded
        // to the file's dtype (bf16 for the demo encoder) as the patch is.
        DType stored = teTensors.get(q).dtype();
        teTensors.put(q, Tensor.of(toFloats(expected(teTensors.get(q).toFloatArray(), List.of(new Term(teUp, teDown, 0.6 / 2)))), qShape)
                .copyAs(stored));
        SafeTensorsWriter.write(encoders.resolve("te-reference.safetensors"), teTensors);

        TextEncoder clip = textEncoder("te.safetensors");
        float[] before = clip.encode("a fox in the snow").toFloatArray();
        NodeOutput out = new LoraLoader().execute(new NodeInputs(Map.of("model", baseModel("default"), "clip", clip,
                "lora_name", "both.safetensors", "strength_model", 1.0, "strength_clip", 0.6)), ctx);
        assertNull(out.ui(), "every key patches the DiT or the text encoder");
        assertClose(expected(dit.get("blocks.2.self_attn.k.weight"), List.of(new Term(up, down, 1.0))),
                weightsOf(modelOf(out)).blocks().get(2).selfAttn().k().weight(), "self_attn.k");

        TextEncoder patched = (TextEncoder) out.results().get(1);
        float[] withLora = patched.encode("a fox in the snow").toFloatArray();
        float[] reference = textEncoder("te-reference.safetensors").encode("a fox in the snow").toFloatArray();
        double worst = 0;
        for (int i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(withLora[i] - reference[i]));
        assertTrue(worst <= 1e-5, "the patched encoder encodes as the reference: max |difference| " + worst);
        assertEquals(DType.BF16, stored, "the demo encoder is bf16: the patch is rounded into it");
        assertNotEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(withLora), "the LoRA changes the encoding");
        assertArrayEquals(before, clip.encode("a fox in the snow").toFloatArray(), "the base encoder is untouched");

        NodeOutput clipOff = new LoraLoader().execute(new NodeInputs(Map.of("model", baseModel("default"), "clip", clip,
                "lora_name", "both.safetensors", "strength_model", 1.0, "strength_clip", 0.0)), ctx);
        assertSame(clip, clipOff.results().get(1), "strength_clip 0 leaves the CLIP as it is");
    }

    @Test
    void with_lora_loader_a_key_is_reported_only_when_neither_model_nor_text_encoder_has_it() throws Exception {
        Path encoders = Files.createDirectories(dir.resolve("models/text_encoders"));
        DemoTextEncoderWeights.write(encoders.resolve("te.safetensors"), 3);
        SplittableRandom rng = new SplittableRandom(12);
        writeLora("mixed.safetensors", Map.of(
                "diffusion_model.blocks.0.self_attn.q.diff", random(rng, DIM, DIM),
                "text_encoders.umt5xxl.transformer.encoder.block.0.layer.1.layer_norm.diff", random(rng, 64),
                "text_encoders.umt5xxl.transformer.encoder.block.9.layer.0.SelfAttention.q.diff", random(rng, 64, 64)));
        NodeOutput out = new LoraLoader().execute(new NodeInputs(Map.of("model", baseModel("default"), "clip", textEncoder("te.safetensors"),
                "lora_name", "mixed.safetensors", "strength_model", 1.0, "strength_clip", 1.0)), ctx);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) out.ui().get("lora_keys_not_loaded").get(0);
        assertEquals(2, report.get("patched"));
        assertEquals(1, report.get("not_loaded"), report.toString());
        assertTrue(report.get("keys").toString().contains("block.9.layer.0.SelfAttention.q.diff (no such module in the text encoder)"),
                report.toString());
    }
}
