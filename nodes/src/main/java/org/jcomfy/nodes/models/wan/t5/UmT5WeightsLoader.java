package org.jcomfy.nodes.models.wan.t5;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.weights.WeightSource;
import org.jcomfy.nodes.models.wan.weights.WeightsException;

/**
 * Fills {@link UmT5Weights} from a safetensors file in either key layout, reading the config
 * off the tensor shapes (WAN-MODEL.md §2.4 for the official Wan layout, WAN-IN-COMFY.md §7
 * for ComfyUI's {@code umt5_xxl_*.safetensors}, which use HuggingFace names). Tensors keep
 * their stored dtype. fp8-scaled files carry a {@code <name>.scale_weight} beside each
 * scaled weight; it becomes the linear's scale.
 *
 * <p>The file is checked strictly through {@link WeightSource}: a missing tensor, a tensor nobody
 * uses, or a shape that disagrees with the rest is a {@link WeightsException} naming the file and the key.
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
    public static KeyLayout detectLayout(WeightSource source) {
        if (source.contains(OFFICIAL.tokenEmbedding())) return OFFICIAL;
        if (source.contains(COMFY.tokenEmbedding()) || source.contains(HF_EMBED_TOKENS)) return COMFY;
        throw new WeightsException(source.origin() + ": not a UMT5 text encoder: it has neither '"
                + OFFICIAL.tokenEmbedding() + "' nor '" + COMFY.tokenEmbedding() + "'");
    }

    /** Maps every tensor of an open file (the caller keeps it open while the weights are used). */
    public static UmT5Weights load(SafeTensorsFile file) {
        return load(WeightSource.over(file));
    }

    /** The weights of a source holding a whole text-encoder file's tensors (a LoRA'd copy's, say). */
    public static UmT5Weights load(WeightSource source) {
        KeyLayout keys = detectLayout(source);
        UmT5Weights weights = read(source, keys);
        source.requireAllUsed(key -> NON_WEIGHT_TENSORS.contains(key) || key.endsWith(".scale_input"));
        return weights;
    }

    /** The key mapping for one layout; the config is read off the shapes of the embedding and block 0. */
    private static UmT5Weights read(WeightSource source, KeyLayout keys) {
        String embeddingKey = keys == COMFY && !source.contains(COMFY.tokenEmbedding()) ? HF_EMBED_TOKENS : keys.tokenEmbedding();
        Tensor embedding = source.take(embeddingKey, -1, -1);
        int vocab = (int) embedding.dim(0);
        int dim = (int) embedding.dim(1);
        int layers = 0;
        while (source.contains(keys.block(layers, keys.norm1()))) layers++;
        if (layers == 0) {
            throw new WeightsException(source.origin() + ": no encoder blocks: missing tensor '"
                    + keys.block(0, keys.norm1()) + "' (" + keys.name() + " key layout)");
        }
        long[] q0 = source.shape(keys.block(0, keys.q()));
        long[] gate0 = source.shape(keys.block(0, keys.gate()));
        long[] bias0 = source.shape(keys.block(0, keys.relativeBias()));
        if (q0.length != 2 || gate0.length != 2 || bias0.length != 2) {
            throw new WeightsException(source.origin() + ": block 0 tensors q " + Arrays.toString(q0) + ", gate "
                    + Arrays.toString(gate0) + ", relative bias " + Arrays.toString(bias0) + " are not matrices");
        }
        UmT5Config config = new UmT5Config(vocab, dim, (int) q0[0], (int) gate0[0], (int) bias0[1], layers,
                (int) bias0[0], UmT5Config.MAX_DISTANCE, UmT5Config.NORM_EPS);

        List<UmT5Weights.Block> blocks = new ArrayList<>();
        int d = config.dim(), a = config.dimAttn(), f = config.dimFfn();
        for (int i = 0; i < layers; i++) {
            blocks.add(new UmT5Weights.Block(
                    source.take(keys.block(i, keys.norm1()), d),
                    linear(source, keys.block(i, keys.q()), a, d),
                    linear(source, keys.block(i, keys.k()), a, d),
                    linear(source, keys.block(i, keys.v()), a, d),
                    linear(source, keys.block(i, keys.o()), d, a),
                    source.take(keys.block(i, keys.relativeBias()), config.numBuckets(), config.numHeads()),
                    source.take(keys.block(i, keys.norm2()), d),
                    linear(source, keys.block(i, keys.gate()), f, d),
                    linear(source, keys.block(i, keys.fc1()), f, d),
                    linear(source, keys.block(i, keys.fc2()), d, f)));
        }
        Tensor finalNorm = source.take(keys.finalNorm(), d);
        float embeddingScale = source.weightScale(layerOf(embeddingKey));
        if (embeddingKey.equals(COMFY.tokenEmbedding()) && source.contains(HF_EMBED_TOKENS)) {
            source.take(HF_EMBED_TOKENS, vocab, dim); // tied duplicate of shared.weight
        }
        return new UmT5Weights(config, embedding, embeddingScale, List.copyOf(blocks), finalNorm);
    }

    private static UmT5Weights.Linear linear(WeightSource source, String key, long out, long in) {
        return new UmT5Weights.Linear(source.take(key, out, in), source.weightScale(layerOf(key)));
    }

    /** {@code a.b.weight} → {@code a.b}, the layer whose fp8 {@code scale_weight} sits beside the weight. */
    private static String layerOf(String weightKey) {
        return weightKey.substring(0, weightKey.length() - ".weight".length());
    }
}
