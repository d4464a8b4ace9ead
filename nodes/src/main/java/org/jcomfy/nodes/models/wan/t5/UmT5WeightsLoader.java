package org.jcomfy.nodes.models.wan.t5;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jcomfy.backend.io.SafeTensorsException;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Fills {@link UmT5Weights} from a safetensors file in either key layout, reading the config
 * off the tensor shapes (WAN-MODEL.md §2.4 for the official Wan layout, WAN-IN-COMFY.md §7
 * for ComfyUI's {@code umt5_xxl_*.safetensors}, which use HuggingFace names). Tensors keep
 * their stored dtype. fp8-scaled files carry a {@code <name>.scale_weight} beside each
 * scaled weight; it becomes the linear's scale.
 *
 * <p>The file is checked strictly: a missing tensor, a tensor nobody uses, or a shape that
 * disagrees with the rest is an error naming the file and the key.
 */
public final class UmT5WeightsLoader {
    private UmT5WeightsLoader() {}

    /** Key names of one layout; block keys are {@code blockPrefix(i) + suffix}. */
    public record KeyLayout(String name, String tokenEmbedding, String finalNorm, String blockFormat,
                            String norm1, String q, String k, String v, String o, String relativeBias,
                            String norm2, String gate, String fc1, String fc2) {
        String block(int i, String suffix) { return blockFormat.formatted(i) + suffix; }
    }

    /** The official Wan2.1 {@code T5Encoder} state dict (as in the golden files). */
    public static final KeyLayout OFFICIAL = new KeyLayout("official Wan", "token_embedding.weight", "norm.weight",
            "blocks.%d.", "norm1.weight", "attn.q.weight", "attn.k.weight", "attn.v.weight", "attn.o.weight",
            "pos_embedding.embedding.weight", "norm2.weight", "ffn.gate.0.weight", "ffn.fc1.weight", "ffn.fc2.weight");

    /** ComfyUI's text-encoder files (HuggingFace {@code UMT5EncoderModel} names). */
    public static final KeyLayout COMFY = new KeyLayout("ComfyUI/HuggingFace", "shared.weight", "encoder.final_layer_norm.weight",
            "encoder.block.%d.", "layer.0.layer_norm.weight", "layer.0.SelfAttention.q.weight",
            "layer.0.SelfAttention.k.weight", "layer.0.SelfAttention.v.weight", "layer.0.SelfAttention.o.weight",
            "layer.0.SelfAttention.relative_attention_bias.weight", "layer.1.layer_norm.weight",
            "layer.1.DenseReluDense.wi_0.weight", "layer.1.DenseReluDense.wi_1.weight", "layer.1.DenseReluDense.wo.weight");

    /** HuggingFace files may store the embedding under this name too (tied to {@code shared.weight}). */
    private static final String HF_EMBED_TOKENS = "encoder.embed_tokens.weight";
    /** Tensors ComfyUI files carry that are not encoder weights. */
    private static final Set<String> NON_WEIGHT_TENSORS = Set.of("spiece_model", "scaled_fp8");

    /** Which layout a file uses, from its embedding key. */
    public static KeyLayout detectLayout(SafeTensorsFile file) {
        if (file.contains(OFFICIAL.tokenEmbedding())) return OFFICIAL;
        if (file.contains(COMFY.tokenEmbedding()) || file.contains(HF_EMBED_TOKENS)) return COMFY;
        throw new SafeTensorsException(file.path() + ": not a UMT5 text encoder: it has neither '"
                + OFFICIAL.tokenEmbedding() + "' nor '" + COMFY.tokenEmbedding() + "'");
    }

    public static UmT5Weights load(SafeTensorsFile file) {
        return new Reader(file, detectLayout(file)).read();
    }

    /** One pass over a file: takes tensors by key, remembers which keys it used. */
    private static final class Reader {
        private final SafeTensorsFile file;
        private final KeyLayout keys;
        private final Set<String> used = new HashSet<>();

        Reader(SafeTensorsFile file, KeyLayout keys) {
            this.file = file;
            this.keys = keys;
        }

        UmT5Weights read() {
            String embeddingKey = keys == COMFY && !file.contains(COMFY.tokenEmbedding()) ? HF_EMBED_TOKENS : keys.tokenEmbedding();
            Tensor embedding = take(embeddingKey, -1, -1);
            int vocab = (int) embedding.dim(0);
            int dim = (int) embedding.dim(1);
            int layers = 0;
            while (file.contains(keys.block(layers, keys.norm1()))) layers++;
            if (layers == 0) throw error("no encoder blocks: missing tensor '" + keys.block(0, keys.norm1()) + "'");
            Tensor q0 = tensor(keys.block(0, keys.q()));
            Tensor gate0 = tensor(keys.block(0, keys.gate()));
            Tensor bias0 = tensor(keys.block(0, keys.relativeBias()));
            if (q0.rank() != 2 || gate0.rank() != 2 || bias0.rank() != 2) {
                throw error("block 0 tensors q " + Arrays.toString(q0.shape()) + ", gate " + Arrays.toString(gate0.shape())
                        + ", relative bias " + Arrays.toString(bias0.shape()) + " are not matrices");
            }
            UmT5Config config = new UmT5Config(vocab, dim, (int) q0.dim(0), (int) gate0.dim(0), (int) bias0.dim(1), layers,
                    (int) bias0.dim(0), UmT5Config.MAX_DISTANCE, UmT5Config.NORM_EPS);

            List<UmT5Weights.Block> blocks = new ArrayList<>();
            int d = config.dim(), a = config.dimAttn(), f = config.dimFfn();
            for (int i = 0; i < layers; i++) {
                blocks.add(new UmT5Weights.Block(
                        take(keys.block(i, keys.norm1()), d),
                        linear(keys.block(i, keys.q()), a, d),
                        linear(keys.block(i, keys.k()), a, d),
                        linear(keys.block(i, keys.v()), a, d),
                        linear(keys.block(i, keys.o()), d, a),
                        take(keys.block(i, keys.relativeBias()), config.numBuckets(), config.numHeads()),
                        take(keys.block(i, keys.norm2()), d),
                        linear(keys.block(i, keys.gate()), f, d),
                        linear(keys.block(i, keys.fc1()), f, d),
                        linear(keys.block(i, keys.fc2()), d, f)));
            }
            Tensor finalNorm = take(keys.finalNorm(), d);
            float embeddingScale = scaleOf(embeddingKey);
            if (embeddingKey.equals(COMFY.tokenEmbedding()) && file.contains(HF_EMBED_TOKENS)) {
                take(HF_EMBED_TOKENS, vocab, dim); // tied duplicate of shared.weight
            }
            checkNothingLeft();
            return new UmT5Weights(config, embedding, embeddingScale, List.copyOf(blocks), finalNorm);
        }

        private UmT5Weights.Linear linear(String key, long out, long in) {
            return new UmT5Weights.Linear(take(key, out, in), scaleOf(key));
        }

        /** The {@code scale_weight} beside a weight (fp8-scaled files), or 1. */
        private float scaleOf(String weightKey) {
            String scaleKey = weightKey.substring(0, weightKey.length() - "weight".length()) + "scale_weight";
            if (!file.contains(scaleKey)) return 1f;
            Tensor s = take(scaleKey);
            if (s.numel() != 1) throw error("tensor '" + scaleKey + "' has shape " + Arrays.toString(s.shape()) + ", expected a scalar");
            return s.getFloat(0);
        }

        /** Takes a tensor and checks its shape; -1 accepts any size in that dimension. */
        private Tensor take(String key, long... expectedShape) {
            Tensor t = tensor(key);
            long[] shape = t.shape();
            boolean ok = expectedShape.length == 0 || shape.length == expectedShape.length;
            for (int i = 0; ok && i < expectedShape.length; i++) ok = expectedShape[i] < 0 || expectedShape[i] == shape[i];
            if (!ok) {
                throw error("tensor '" + key + "' has shape " + Arrays.toString(shape) + " but " + Arrays.toString(expectedShape) + " is expected");
            }
            if (expectedShape.length > 0 && !t.dtype().isFloatingPoint()) {
                throw error("tensor '" + key + "' is " + t.dtype() + ", not a floating-point weight");
            }
            used.add(key);
            return t;
        }

        private Tensor tensor(String key) {
            if (!file.contains(key)) throw error("missing tensor '" + key + "' (" + keys.name() + " key layout)");
            return file.tensor(key);
        }

        private void checkNothingLeft() {
            for (String name : file.names()) {
                if (used.contains(name) || NON_WEIGHT_TENSORS.contains(name) || name.endsWith(".scale_input")) continue;
                throw error("unexpected tensor '" + name + "' (" + keys.name() + " key layout)");
            }
        }

        private SafeTensorsException error(String why) {
            return new SafeTensorsException(file.path() + ": UMT5 text encoder: " + why);
        }
    }
}
