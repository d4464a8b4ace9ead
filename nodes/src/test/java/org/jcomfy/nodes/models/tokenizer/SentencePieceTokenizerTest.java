package org.jcomfy.nodes.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java tokenizer against the C++ SentencePiece library: the model and the expected ids
 * were made by {@code tools/make_tokenizer_testdata.py} with Debian's python3-sentencepiece.
 */
class SentencePieceTokenizerTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = SentencePieceTokenizerTest.class.getResourceAsStream("/tokenizer/" + name)) {
            if (in == null) throw new IOException("missing test resource /tokenizer/" + name);
            return in.readAllBytes();
        }
    }

    static SentencePieceTokenizer testTokenizer() throws IOException {
        return SentencePieceTokenizer.fromModelBytes(resource("test-unigram.model"));
    }

    @Test
    void model_proto_is_parsed_with_t5_special_ids_and_nfkc_normaliser() throws IOException {
        SentencePieceModel m = testTokenizer().model();
        assertEquals(1000, m.pieces().size());
        assertEquals(0, m.trainer().padId());
        assertEquals(1, m.trainer().eosId());
        assertEquals(2, m.trainer().unkId());
        assertEquals(-1, m.trainer().bosId());
        assertTrue(m.trainer().byteFallback());
        assertEquals("nmt_nfkc", m.normalizer().name());
        assertTrue(m.normalizer().precompiledCharsmap().length > 1000);
        assertEquals("</s>", m.pieces().get(1).piece());
        assertEquals(SentencePieceModel.PieceType.CONTROL, m.pieces().get(1).type());
        assertEquals(SentencePieceModel.PieceType.USER_DEFINED, m.pieces().get(3).type());
        assertEquals("<0x00>", m.pieces().get(4).piece());
        assertEquals(SentencePieceModel.PieceType.BYTE, m.pieces().get(4).type());
    }

    /**
     * {@code test-unigram}: nmt_nfkc charsmap, byte fallback, a user-defined piece (as umt5-xxl);
     * {@code identity-raw}: no charsmap, no dummy prefix, extra whitespace kept, unknown pieces;
     * {@code identity-suffix}: whitespace as suffix, digits split.
     */
    @ParameterizedTest
    @ValueSource(strings = {"test-unigram", "test-unigram-identity-raw", "test-unigram-identity-suffix"})
    void every_test_string_gets_exactly_the_ids_of_the_cpp_library(String model) throws IOException {
        SentencePieceTokenizer tok = SentencePieceTokenizer.fromModelBytes(resource(model + ".model"));
        JsonNode cases = new ObjectMapper().readTree(resource(model + "-cases.json")).get("cases");
        assertTrue(cases.size() >= 200, "expected about 200 cases, got " + cases.size());
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) expected[i] = c.get("ids").get(i).asInt();
            int[] actual = tok.encode(text);
            if (!java.util.Arrays.equals(expected, actual)) {
                failures.add(escape(text) + "\n   expected " + java.util.Arrays.toString(expected) + " " + c.get("pieces")
                        + "\n   actual   " + java.util.Arrays.toString(actual) + " " + tok.encodeAsPieces(text));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " strings differ:\n" + String.join("\n", failures));
    }

    @Test
    void characters_outside_the_vocabulary_fall_back_to_their_utf8_bytes() throws IOException {
        SentencePieceTokenizer tok = testTokenizer();
        // U+4E2D is not in the 1000-piece vocabulary: it must come out as <0xE4><0xB8><0xAD>.
        List<String> pieces = tok.encodeAsPieces("\u4e2d");
        assertEquals(List.of("<0xE4>", "<0xB8>", "<0xAD>"), pieces.subList(pieces.size() - 3, pieces.size()));
    }

    @Test
    void nfkc_normalisation_maps_full_width_letters_to_ascii_and_escapes_spaces() throws IOException {
        SentencePieceTokenizer tok = testTokenizer();
        assertArrayEquals(tok.encode("abc def"), tok.encode("\uff41\uff42\uff43\u3000\uff44\uff45\uff46"));
        assertEquals("\u2581a\u2581b", new String(tok.normalize("  a \t\n b  "), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void a_model_file_on_disk_loads_like_the_bytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
        java.nio.file.Path file = tmp.resolve("spiece.model");
        java.nio.file.Files.write(file, resource("test-unigram.model"));
        SentencePieceTokenizer fromFile = SentencePieceTokenizer.fromModelFile(file);
        assertArrayEquals(testTokenizer().encode("A cat walks, café 猫"), fromFile.encode("A cat walks, café 猫"));
    }

    @Test
    void a_corrupt_model_is_refused_with_a_clear_message() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentencePieceModel.parse(new byte[] {0x0a, 0x7f, 0x01}));
        assertTrue(e.getMessage().contains("not a valid SentencePiece model"), e.getMessage());
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) b.append(String.format("\\u%04x", cp));
            else b.appendCodePoint(cp);
        });
        return b.append('"').toString();
    }
}
