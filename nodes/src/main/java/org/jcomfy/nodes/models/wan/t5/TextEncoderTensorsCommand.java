package org.jcomfy.nodes.models.wan.t5;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;

/**
 * {@code ./jcomfy tensors t5 WEIGHTS INPUTS OUT}: runs the UMT5 encoder on tensors from a
 * file, for comparing against other implementations. WEIGHTS is a text-encoder safetensors
 * file in either key layout; INPUTS holds {@code ids} and {@code mask} (int64 {@code [1, L]},
 * mask 1 = real token); OUT receives {@code output} (float32 {@code [1, L, dim]}, every row,
 * padded ones included, as the official encoder returns them).
 */
public final class TextEncoderTensorsCommand {
    private TextEncoderTensorsCommand() {}

    /** Runs on {@code kernels}, those of the device the caller set up. */
    public static void run(Path weights, Path inputs, Path out, Kernels kernels) throws IOException {
        try (SafeTensorsFile weightFile = SafeTensorsFile.open(weights);
             SafeTensorsFile inputFile = SafeTensorsFile.open(inputs)) {
            for (String name : new String[] {"ids", "mask"}) {
                if (!inputFile.contains(name)) throw new IllegalArgumentException(inputs + ": missing input tensor '" + name + "'");
            }
            UmT5Encoder encoder = new UmT5Encoder(UmT5WeightsLoader.load(weightFile), kernels);
            Tensor output = encoder.encode(inputFile.tensor("ids"), inputFile.tensor("mask"));
            SafeTensorsWriter.write(out, Map.of("output", output));
        }
    }
}
