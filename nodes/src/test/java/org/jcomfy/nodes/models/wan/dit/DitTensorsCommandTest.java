package org.jcomfy.nodes.models.wan.dit;

import static org.jcomfy.nodes.models.wan.dit.WanTinyGolden.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DitTensorsCommandTest {

    @Test
    void the_tensors_command_reproduces_the_golden_outputs_and_intermediates(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.safetensors");
        DitTensorsCommand.main("--weights", WanTinyGolden.WEIGHTS.toString(), "--inputs", WanTinyGolden.INPUTS.toString(),
                "--out", out.toString());

        try (SafeTensorsFile result = SafeTensorsFile.open(out);
             SafeTensorsFile golden = SafeTensorsFile.open(WanTinyGolden.ACTIVATIONS)) {
            assertClose("output", result.tensor("output"), golden.tensor("output"), WanTinyGolden.TOLERANCE);
            assertClose("output_uncond", result.tensor("output_uncond"), golden.tensor("output_uncond"), WanTinyGolden.TOLERANCE);
            assertClose("output_cfg", result.tensor("output_cfg"), golden.tensor("output_cfg5"), WanTinyGolden.TOLERANCE);
            for (String name : new String[] {"patch_tokens", "context_embedded", "block0_q_rope", "block0_ffn_out",
                    "block1_out", "head_out"}) {
                assertClose(name, result.tensor(name), golden.tensor(name), WanTinyGolden.TOLERANCE);
            }
            assertTrue(!result.contains("block1_sa_out"), "only block 0 is written in detail");
        }
    }

    @Test
    void a_missing_input_is_named(@TempDir Path dir) {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DitTensorsCommand.run(WanTinyGolden.WEIGHTS, WanTinyGolden.WEIGHTS, dir.resolve("o.safetensors"), WanTinyGolden.kernels()));
        assertTrue(e.getMessage().contains("missing input tensor 'x'"), e.getMessage());
    }
}
