package org.jcomfy.nodes.models.wan.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaeTensorsCommandTest {
    private static final Kernels CPU = Devices.cpu().kernels();

    static Path golden(String file) {
        return Path.of(System.getProperty("jcomfy.testdata"), "golden", "wanvae-tiny", file);
    }

    @Test
    void decode_and_encode_on_the_golden_inputs_write_the_golden_outputs(@TempDir Path dir) throws Exception {
        Path decoded = dir.resolve("decoded.safetensors");
        Path encoded = dir.resolve("encoded.safetensors");
        VaeTensorsCommand.run("decode", golden("weights.safetensors"), golden("inputs.safetensors"), decoded, CPU);
        VaeTensorsCommand.run("encode", golden("weights.safetensors"), golden("inputs.safetensors"), encoded, CPU);
        try (SafeTensorsFile expected = SafeTensorsFile.open(golden("activations.safetensors"));
             SafeTensorsFile dec = SafeTensorsFile.open(decoded);
             SafeTensorsFile enc = SafeTensorsFile.open(encoded)) {
            for (String name : new String[] {"decoded", "decoded_raw"}) {
                assertArrayEquals(expected.tensor(name).shape(), dec.tensor(name).shape(), name);
                double err = TensorMetrics.relativeL2(dec.tensor(name), expected.tensor(name));
                assertTrue(err <= 1e-5, name + ": relative L2 " + err);
            }
            assertArrayEquals(expected.tensor("encoded_mu").shape(), enc.tensor("encoded_mu").shape());
            double err = TensorMetrics.relativeL2(enc.tensor("encoded_mu"), expected.tensor("encoded_mu"));
            assertTrue(err <= 1e-5, "encoded_mu: relative L2 " + err);
        }
    }

    @Test
    void an_unknown_mode_or_missing_input_is_refused_with_its_name(@TempDir Path dir) {
        var mode = assertThrows(IllegalArgumentException.class,
                () -> VaeTensorsCommand.run("roundtrip", golden("weights.safetensors"), golden("inputs.safetensors"), dir.resolve("o"), CPU));
        assertTrue(mode.getMessage().contains("roundtrip"), mode.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> VaeTensorsCommand.run("decode", golden("weights.safetensors"), golden("weights.safetensors"), dir.resolve("o"), CPU));
        assertTrue(missing.getMessage().contains("'z'"), missing.getMessage());
    }
}
