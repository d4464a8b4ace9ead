package org.jcomfy.nodes.models.wan.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.tokenizer.SentencePieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo text-encoder file end to end: written, loaded with its own tokenizer, prompts encoded. */
class UmT5TextEncoderTest {
    @TempDir Path tmp;

    Path demo() throws Exception {
        Path file = tmp.resolve("umt5_demo.safetensors");
        DemoTextEncoderWeights.write(file);
        return file;
    }

    @Test
    void demo_weights_are_deterministic() throws Exception {
        Path a = demo();
        Path b = tmp.resolve("again.safetensors");
        DemoTextEncoderWeights.write(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        Path other = tmp.resolve("other-seed.safetensors");
        DemoTextEncoderWeights.write(other, 7);
        assertNotEquals(Files.size(a), 0);
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(other)));
    }

    @Test
    void demo_file_loads_with_its_spiece_model_and_encodes_a_prompt_to_512_rows_with_padding_zeroed() throws Exception {
        try (UmT5TextEncoder te = UmT5TextEncoder.open(demo(), Devices.cpu().kernels())) {
            assertEquals(DemoTextEncoderWeights.CONFIG, te.encoder().config());
            String prompt = "A cat walks through a sunny garden, cinematic lighting, 4k.";
            UmT5Tokenizer.Tokens tokens = te.tokenizer().tokenize(prompt);
            int real = tokens.realTokens();
            assertEquals(1, tokens.ids()[real - 1], "last real token is </s>");

            Tensor z = te.encode(prompt);
            assertArrayEquals(new long[] {1, 512, 64}, z.shape());
            float[] v = z.toFloatArray();
            for (int row = 0; row < 512; row++) {
                double norm = 0;
                for (int c = 0; c < 64; c++) {
                    float x = v[row * 64 + c];
                    assertTrue(Float.isFinite(x));
                    norm += x * x;
                }
                if (row < real) assertTrue(norm > 1, "real row " + row + " is (nearly) zero");
                else assertEquals(0.0, norm, "padding row " + row + " is not zeroed");
            }
        }
    }

    @Test
    void encoding_only_the_real_tokens_equals_comfyuis_masked_512_run_with_zeroed_padding() throws Exception {
        try (UmT5TextEncoder te = UmT5TextEncoder.open(demo(), Devices.cpu().kernels())) {
            String prompt = "low quality, blurry, static";
            UmT5Tokenizer.Tokens tokens = te.tokenizer().tokenize(prompt);
            Tensor full = te.encoder().encode(tokens.idsTensor(), tokens.maskTensor()); // all 512 positions, key mask
            float[] expected = full.toFloatArray();
            for (int i = tokens.realTokens() * 64; i < expected.length; i++) expected[i] = 0f; // zero_out_masked
            UmT5GoldenTest.assertClose("real-token run vs masked 512 run", Tensor.of(expected, 1, 512, 64), te.encode(prompt));
        }
    }

    @Test
    void tokenizer_from_the_spiece_model_tensor_is_the_shipped_demo_model() throws Exception {
        SentencePieceTokenizer shipped = SentencePieceTokenizer.fromModelBytes(DemoTextEncoderWeights.demoSentencePieceModel());
        try (UmT5TextEncoder te = UmT5TextEncoder.open(demo(), Devices.cpu().kernels())) {
            String prompt = "Café ＡＢＣ  with\ttabs 😀";
            int[] ids = shipped.encode(prompt);
            UmT5Tokenizer.Tokens tokens = te.tokenizer().tokenize(prompt);
            assertEquals(ids.length + 1, tokens.realTokens());
            for (int i = 0; i < ids.length; i++) assertEquals(ids[i], tokens.ids()[i]);
            assertEquals(0, tokens.ids()[511]);
        }
    }

    @Test
    void weighted_tokens_are_pulled_away_from_the_empty_prompt_encoding() throws Exception {
        try (UmT5TextEncoder te = UmT5TextEncoder.open(demo(), Devices.cpu().kernels())) {
            UmT5Tokenizer.Tokens weighted = te.tokenizer().tokenize("a dog and (a cat:1.5)");
            Tensor z = te.encode("a dog and (a cat:1.5)");
            // The same tokens unweighted: "a dog and " and "a cat" tokenized as separate segments.
            Tensor plainIds = weighted.idsTensor();
            Tensor zPlain = te.encoder().encode(plainIds, weighted.maskTensor());
            Tensor zEmpty = te.encoder().encode(te.tokenizer().emptyTokens(512).idsTensor(), te.tokenizer().emptyTokens(512).maskTensor());
            float[] a = z.toFloatArray(), p = zPlain.toFloatArray(), e = zEmpty.toFloatArray();
            int checked = 0;
            for (int row = 0; row < weighted.realTokens(); row++) {
                float w = weighted.weights()[row];
                for (int c = 0; c < 64; c++) {
                    int i = row * 64 + c;
                    // ComfyUI zeroes the masked rows of z_empty too (only its row 0, </s>, is real).
                    float empty = row == 0 ? e[i] : 0f;
                    float expected = empty + (p[i] - empty) * w;
                    // zPlain runs 512 masked positions, encode() only the real ones: the fast GEMM sums in a
                    // shape-dependent order, so "the same z" holds to float rounding, not bit for bit.
                    if (w == 1f) assertEquals(p[i], a[i], 1e-5f, "unweighted row " + row + " must stay z");
                    else assertEquals(expected, a[i], 1e-5f, "row " + row + " weight " + w);
                }
                if (w == 1.5f) checked++;
            }
            assertTrue(checked >= 2, "expected the weighted segment to have tokens, got " + checked);
        }
    }

    @Test
    void prompts_are_padded_to_512_with_pad_id_0_and_end_with_eos() throws Exception {
        UmT5Tokenizer tok = new UmT5Tokenizer(SentencePieceTokenizer.fromModelBytes(DemoTextEncoderWeights.demoSentencePieceModel()));
        UmT5Tokenizer.Tokens t = tok.tokenize("A cat.");
        assertEquals(512, t.length());
        assertArrayEquals(new long[] {305, 260, 855, 264, 1, 0}, java.util.Arrays.copyOf(t.ids(), 6));
        assertEquals(5, t.realTokens());
        UmT5Tokenizer.Tokens empty = tok.tokenize("");
        assertEquals(1, empty.realTokens());
        assertEquals(1, empty.ids()[0]);
        String longPrompt = "word ".repeat(600);
        assertTrue(tok.tokenize(longPrompt).length() > 512, "long prompts are not truncated");
    }
}
