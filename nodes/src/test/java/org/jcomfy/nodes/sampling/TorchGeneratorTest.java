package org.jcomfy.nodes.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compares {@link TorchGenerator} with values written by torch itself (tools/make_torch_noise_testdata.py). */
class TorchGeneratorTest {
    static JsonNode expected() throws Exception {
        try (InputStream in = TorchGeneratorTest.class.getResourceAsStream("/sampling/torch_randn.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static long[] shape(JsonNode node) {
        long[] s = new long[node.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = node.get(i).asLong();
        }
        return s;
    }

    @Test
    void randn_matches_torch_bit_for_bit_for_every_seed_shape_and_call_sequence() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (JsonNode c : expected().get("cases")) {
            long seed = Long.parseUnsignedLong(c.get("seed").asText());
            TorchGenerator g = new TorchGenerator(seed);
            for (int call = 0; call < c.get("shapes").size(); call++) {
                long[] shape = shape(c.get("shapes").get(call));
                float[] got = g.randn(shape);
                JsonNode bits = c.get("bits").get(call);
                assertEquals(bits.size(), got.length);
                for (int i = 0; i < got.length; i++) {
                    int want = (int) bits.get(i).asLong();
                    compared++;
                    if (Float.floatToRawIntBits(got[i]) != want) {
                        mismatches.add("seed " + c.get("seed").asText() + " call " + call + " shape "
                                + java.util.Arrays.toString(shape) + " [" + i + "] got " + got[i]
                                + " want " + Float.intBitsToFloat(want));
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())),
                mismatches.size() + " of " + compared + " values differ");
    }

    @Test
    void seeds_that_differ_only_above_32_bits_give_the_same_noise_as_torch_does() {
        float[] a = new TorchGenerator(5).randn(20);
        float[] b = new TorchGenerator((1L << 32) + 5).randn(20);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }
}
