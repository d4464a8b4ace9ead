package org.jcomfy.nodes.models.wan.t5;

import java.nio.file.Path;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEncoderTensorsCommandTest {
    @Test
    void tensors_t5_command_reproduces_the_golden_output(@TempDir Path tmp) throws Exception {
        Path golden = UmT5GoldenTest.goldenDir();
        Path out = tmp.resolve("out.safetensors");
        TextEncoderTensorsCommand.run(golden.resolve("weights.safetensors"), golden.resolve("inputs.safetensors"), out,
                Devices.cpu().kernels());
        try (SafeTensorsFile result = SafeTensorsFile.open(out);
             SafeTensorsFile expected = SafeTensorsFile.open(golden.resolve("activations.safetensors"))) {
            UmT5GoldenTest.assertClose("command output", expected.tensor("output"), result.tensor("output"));
        }
    }
}
