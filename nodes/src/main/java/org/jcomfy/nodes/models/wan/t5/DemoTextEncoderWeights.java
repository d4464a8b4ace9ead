package org.jcomfy.nodes.models.wan.t5;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Writes a tiny, deterministic UMT5 text-encoder file in ComfyUI's format (HuggingFace key
 * names, bf16 weights, and a {@code spiece_model} tensor holding a real SentencePiece model),
 * so the server's demo model set can run CLIPTextEncode without downloading umt5-xxl.
 * The weights are seeded random numbers: the embeddings mean nothing, but every code path
 * of the real model runs. The tokenizer is {@code tokenizer/demo-spiece.model} (a 1000-piece
 * unigram model trained by {@code tools/make_tokenizer_testdata.py}).
 */
public final class DemoTextEncoderWeights {
    /** vocab = the demo tokenizer's size; dims small enough to encode 512 tokens in well under a second. */
    public static final UmT5Config CONFIG = new UmT5Config(1000, 64, 64, 128, 4, 2, 32,
            UmT5Config.MAX_DISTANCE, UmT5Config.NORM_EPS);
    public static final long DEFAULT_SEED = 20261122L;
    private static final String SPIECE_RESOURCE = "/tokenizer/demo-spiece.model";

    private DemoTextEncoderWeights() {}

    public static void write(Path file) throws IOException {
        write(file, DEFAULT_SEED);
    }

    public static void write(Path file, long seed) throws IOException {
        UmT5Config c = CONFIG;
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("shared.weight", gaussian(random, 1.0, c.vocab(), c.dim()));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "encoder.block." + i + ".";
            tensors.put(p + "layer.0.layer_norm.weight", around1(random, c.dim()));
            for (String proj : new String[] {"q", "k", "v"}) {
                tensors.put(p + "layer.0.SelfAttention." + proj + ".weight", gaussian(random, 1 / Math.sqrt(c.dim()), c.dimAttn(), c.dim()));
            }
            tensors.put(p + "layer.0.SelfAttention.o.weight", gaussian(random, 1 / Math.sqrt(c.dimAttn()), c.dim(), c.dimAttn()));
            tensors.put(p + "layer.0.SelfAttention.relative_attention_bias.weight", gaussian(random, 0.5, c.numBuckets(), c.numHeads()));
            tensors.put(p + "layer.1.layer_norm.weight", around1(random, c.dim()));
            tensors.put(p + "layer.1.DenseReluDense.wi_0.weight", gaussian(random, 1 / Math.sqrt(c.dim()), c.dimFfn(), c.dim()));
            tensors.put(p + "layer.1.DenseReluDense.wi_1.weight", gaussian(random, 1 / Math.sqrt(c.dim()), c.dimFfn(), c.dim()));
            tensors.put(p + "layer.1.DenseReluDense.wo.weight", gaussian(random, 1 / Math.sqrt(c.dimFfn()), c.dim(), c.dimFfn()));
        }
        tensors.put("encoder.final_layer_norm.weight", around1(random, c.dim()));
        byte[] spiece = demoSentencePieceModel();
        Tensor spieceTensor = Tensor.zeros(DType.U8, spiece.length);
        MemorySegment.copy(spiece, 0, spieceTensor.data(), ValueLayout.JAVA_BYTE, 0, spiece.length);
        tensors.put(UmT5Tokenizer.SPIECE_TENSOR, spieceTensor);
        SafeTensorsWriter.write(file, tensors, Map.of("jcomfy", "demo UMT5 text encoder, seed " + seed));
    }

    /** The bytes of the demo SentencePiece model shipped as a resource. */
    public static byte[] demoSentencePieceModel() throws IOException {
        try (InputStream in = DemoTextEncoderWeights.class.getResourceAsStream(SPIECE_RESOURCE)) {
            if (in == null) throw new IOException("resource " + SPIECE_RESOURCE + " is missing from the jar");
            return in.readAllBytes();
        }
    }

    private static Tensor gaussian(SplittableRandom random, double std, long... shape) {
        Tensor t = Tensor.zeros(DType.BF16, shape);
        for (long i = 0, n = t.numel(); i < n; i++) t.setFloat(i, (float) (gaussian(random) * std));
        return t;
    }

    /** Norm gains near 1, as trained models have. */
    private static Tensor around1(SplittableRandom random, long size) {
        Tensor t = Tensor.zeros(DType.BF16, size);
        for (long i = 0; i < size; i++) t.setFloat(i, (float) (1 + 0.1 * gaussian(random)));
        return t;
    }

    /** Box–Muller, so the numbers depend only on the seed. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
