package org.jcomfy.nodes.models.wan.t5;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.io.SafeTensorsException;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.tokenizer.PromptWeights;
import org.jcomfy.nodes.models.tokenizer.SentencePieceTokenizer;

/**
 * Turns a prompt into UMT5 input the way ComfyUI's Wan text encoder does
 * (WAN-IN-COMFY.md §7): prompt weights parsed, each segment tokenized by SentencePiece
 * without BOS, {@code </s>} appended, then padded with the pad id (0) up to 512 tokens.
 * Longer prompts are not truncated. The mask is 1 up to and including {@code </s>}.
 */
public final class UmT5Tokenizer {
    /** ComfyUI pads Wan prompts to at least this many tokens ({@code min_length}). */
    public static final int MIN_LENGTH = 512;
    /** The tensor in ComfyUI's text-encoder files that holds the serialized SentencePiece model. */
    public static final String SPIECE_TENSOR = "spiece_model";

    /** Token ids, per-token prompt weights and the attention mask, all of one length. */
    public record Tokens(long[] ids, float[] weights, long[] mask) {
        public int length() { return ids.length; }

        /** Number of real tokens including {@code </s>}. */
        public int realTokens() { return (int) Arrays.stream(mask).sum(); }

        public boolean hasWeights() {
            for (float w : weights) if (w != 1f) return true;
            return false;
        }

        public Tensor idsTensor() { return Tensor.ofLongs(ids, 1, ids.length); }

        public Tensor maskTensor() { return Tensor.ofLongs(mask, 1, mask.length); }
    }

    private final SentencePieceTokenizer sentencePiece;
    private final int minLength;

    public UmT5Tokenizer(SentencePieceTokenizer sentencePiece, int minLength) {
        this.sentencePiece = sentencePiece;
        this.minLength = minLength;
    }

    public UmT5Tokenizer(SentencePieceTokenizer sentencePiece) {
        this(sentencePiece, MIN_LENGTH);
    }

    /** The tokenizer stored in a ComfyUI text-encoder file's {@code spiece_model} tensor (uint8 bytes). */
    public static UmT5Tokenizer fromSafetensors(SafeTensorsFile file) {
        if (!file.contains(SPIECE_TENSOR)) {
            throw new SafeTensorsException(file.path() + ": no '" + SPIECE_TENSOR
                    + "' tensor: this text-encoder file does not carry its SentencePiece tokenizer");
        }
        Tensor t = file.tensor(SPIECE_TENSOR);
        if (t.dtype() != DType.U8 && t.dtype() != DType.I8) {
            throw new SafeTensorsException(file.path() + ": tensor '" + SPIECE_TENSOR + "' is " + t.dtype() + ", expected uint8 bytes");
        }
        byte[] bytes = t.data().toArray(ValueLayout.JAVA_BYTE);
        try {
            return new UmT5Tokenizer(SentencePieceTokenizer.fromModelBytes(bytes));
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file.path() + ": tensor '" + SPIECE_TENSOR + "': " + e.getMessage(), e);
        }
    }

    public SentencePieceTokenizer sentencePiece() { return sentencePiece; }

    public Tokens tokenize(String prompt) {
        List<Long> ids = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        for (PromptWeights.Segment segment : PromptWeights.parse(prompt)) {
            for (int id : sentencePiece.encode(segment.text())) {
                ids.add((long) id);
                weights.add((float) segment.weight());
            }
        }
        ids.add((long) sentencePiece.eosId());
        weights.add(1f);
        int real = ids.size();
        int length = Math.max(real, minLength);
        long[] idArray = new long[length];
        float[] weightArray = new float[length];
        long[] mask = new long[length];
        Arrays.fill(idArray, Math.max(sentencePiece.padId(), 0));
        Arrays.fill(weightArray, 1f);
        for (int i = 0; i < real; i++) {
            idArray[i] = ids.get(i);
            weightArray[i] = weights.get(i);
            mask[i] = 1;
        }
        return new Tokens(idArray, weightArray, mask);
    }

    /** ComfyUI's {@code gen_empty_tokens}: {@code </s>} then padding, the reference for weighted prompts. */
    public Tokens emptyTokens(int length) {
        long[] ids = new long[length];
        Arrays.fill(ids, Math.max(sentencePiece.padId(), 0));
        ids[0] = sentencePiece.eosId();
        long[] mask = new long[length];
        mask[0] = 1;
        float[] weights = new float[length];
        Arrays.fill(weights, 1f);
        return new Tokens(ids, weights, mask);
    }
}
