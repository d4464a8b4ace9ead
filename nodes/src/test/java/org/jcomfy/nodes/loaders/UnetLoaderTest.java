package org.jcomfy.nodes.loaders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jcomfy.nodes.models.ForwardPlan;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.testing.TestContext;
import org.jcomfy.nodes.types.DiffusionModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** UNETLoader on the wan-tiny golden checkpoint, for each weight_dtype. */
class UnetLoaderTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"})
    void the_loaded_model_predicts_the_golden_output_within_the_weight_dtype_precision(String weightDtype) throws Exception {
        Path golden = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wan-tiny");
        TestContext ctx = new TestContext(dir);
        Path models = Files.createDirectories(dir.resolve("models/diffusion_models"));
        Files.copy(golden.resolve("weights.safetensors"), models.resolve("wan-tiny.safetensors"));
        DiffusionModel model = (DiffusionModel) new UnetLoader().execute(
                new NodeInputs(Map.of("unet_name", "wan-tiny.safetensors", "weight_dtype", weightDtype)), ctx).results().get(0);
        assertEquals(8.0, model.shift(), "Wan's default shift until ModelSamplingSD3 changes it");
        try (SafeTensorsFile in = SafeTensorsFile.open(golden.resolve("inputs.safetensors"));
             SafeTensorsFile act = SafeTensorsFile.open(golden.resolve("activations.safetensors"))) {
            Tensor x = in.tensor("x").toF32().batchOfOne();
            Tensor ctxT = in.tensor("context").toF32().batchOfOne();
            float[] out = model.net().forward(x, new double[] {in.tensor("t").getDouble(0)}, ctxT, Map.of(), ForwardPlan.PLAIN).toFloatArray();
            float[] expected = act.tensor("output").toFloatArray();
            double rel = TensorMetrics.relativeL2(out, expected);
            double bound = switch (weightDtype) {
                case "default" -> 1e-5;   // the golden's own precision
                case "fp8_e5m2" -> 0.25;  // 2 mantissa bits
                default -> 0.1;           // 3 mantissa bits
            };
            assertTrue(rel <= bound, weightDtype + ": relative L2 " + rel);
            if (!weightDtype.equals("default")) assertTrue(rel > 1e-4, "fp8 matrices must actually be used: " + rel);
        }
    }
}
