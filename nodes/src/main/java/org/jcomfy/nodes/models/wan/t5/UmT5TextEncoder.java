package org.jcomfy.nodes.models.wan.t5;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.weights.WeightSource;

/**
 * Wan's text encoder as ComfyUI's CLIPTextEncode runs it (WAN-IN-COMFY.md §7): tokenizer
 * from the file's {@code spiece_model} tensor, UMT5 encoder over all (≥ 512) positions with
 * the key mask, rows after {@code </s>} zeroed ({@code zero_out_masked}), and prompt weights
 * applied as {@code z_empty + (z − z_empty)·w} per token. Holds the memory-mapped weights
 * file open until closed.
 */
public final class UmT5TextEncoder implements AutoCloseable {
    private final SafeTensorsFile file;
    private final UmT5Tokenizer tokenizer;
    private final UmT5Encoder encoder;
    private final Kernels kernels;

    private UmT5TextEncoder(SafeTensorsFile file, UmT5Tokenizer tokenizer, UmT5Encoder encoder, Kernels kernels) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.kernels = kernels;
    }

    /** Opens a ComfyUI-style text-encoder file (weights plus {@code spiece_model}). */
    public static UmT5TextEncoder open(Path weights, Kernels kernels) {
        SafeTensorsFile file = SafeTensorsFile.open(weights);
        try {
            UmT5Tokenizer tokenizer = UmT5Tokenizer.fromSafetensors(file);
            UmT5Encoder encoder = new UmT5Encoder(UmT5WeightsLoader.load(file), kernels);
            if (tokenizer.sentencePiece().vocabSize() > encoder.config().vocab()) {
                throw new IllegalArgumentException(weights + ": tokenizer has " + tokenizer.sentencePiece().vocabSize()
                        + " pieces but the embedding only " + encoder.config().vocab() + " rows");
            }
            return new UmT5TextEncoder(file, tokenizer, encoder, kernels);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public UmT5Tokenizer tokenizer() { return tokenizer; }

    /** Every tensor of the file by key (views of the mapping, created on each call): what a LoRA patches. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (String name : file.names()) all.put(name, file.tensor(name));
        return all;
    }

    /**
     * This encoder with some of the file's tensors replaced (a LoRA's patched copies); the rest stay
     * views of the same mapping. The copy shares the file: close only the original.
     */
    public UmT5TextEncoder withTensors(Map<String, Tensor> replaced) {
        Map<String, Tensor> all = tensors();
        all.putAll(replaced);
        UmT5Weights weights = UmT5WeightsLoader.load(WeightSource.of(file.path() + " (patched)", all));
        return new UmT5TextEncoder(file, tokenizer, new UmT5Encoder(weights, kernels), kernels);
    }

    public UmT5Encoder encoder() { return encoder; }

    /** The conditioning tensor for a prompt: float32 {@code [1, max(512, tokens), dim]}, padding rows zero. */
    public Tensor encode(String prompt) {
        UmT5Tokenizer.Tokens tokens = tokenizer.tokenize(prompt);
        Tensor z = encodeMasked(tokens);
        if (!tokens.hasWeights()) return z;
        Tensor empty = encodeMasked(tokenizer.emptyTokens(tokens.length()));
        // Per token: z_empty + (z - z_empty) * w where w != 1; rows with w == 1 stay exactly z
        // (blended with 0/1 factors, which is exact), as ComfyUI only touches weighted rows.
        float[] w = tokens.weights();
        float[] weighted = new float[w.length];
        float[] unweighted = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            weighted[i] = w[i] != 1f ? 1f : 0f;
            unweighted[i] = 1f - weighted[i];
        }
        Tensor blended = kernels.add(empty, kernels.mul(kernels.sub(z, empty), Tensor.of(w, 1, w.length, 1)));
        return kernels.add(kernels.mul(z, Tensor.of(unweighted, 1, w.length, 1)),
                kernels.mul(blended, Tensor.of(weighted, 1, w.length, 1)));
    }

    /**
     * Encoder output with the rows whose mask is 0 set to zero. ComfyUI runs all 512
     * positions and then zeroes the padded rows; since padded keys get exactly zero attention
     * weight, the real rows do not depend on the padding, so only the real tokens are run here
     * (a 30-token prompt costs 30 positions, not 512) and zero rows are appended.
     */
    private Tensor encodeMasked(UmT5Tokenizer.Tokens tokens) {
        int real = tokens.realTokens();
        long[] ids = Arrays.copyOf(tokens.ids(), real);
        long[] ones = new long[real];
        Arrays.fill(ones, 1);
        Tensor out = encoder.encode(Tensor.ofLongs(ids, 1, real), Tensor.ofLongs(ones, 1, real));
        return kernels.pad(out, new long[] {0, 0, 0}, new long[] {0, tokens.length() - real, 0}, 0f);
    }

    @Override
    public void close() { file.close(); }
}
