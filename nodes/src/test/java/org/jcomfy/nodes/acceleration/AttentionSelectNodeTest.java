package org.jcomfy.nodes.acceleration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.attention.AttentionChoice;
import org.jcomfy.backend.attention.AttentionImplementation;
import org.jcomfy.backend.attention.AttentionSelector;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.loaders.UnetLoader;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.ForwardPlan;
import org.jcomfy.nodes.testing.TestContext;
import org.jcomfy.nodes.types.DiffusionModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AttentionSelect on the wan-tiny golden checkpoint: what the combo offers and what the model then runs. */
class AttentionSelectNodeTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wan-tiny");
    @TempDir Path dir;

    /** wan-tiny loaded by UNETLoader in a context on {@code ctx}'s device. */
    private DiffusionModel load(TestContext ctx) throws Exception {
        Path models = Files.createDirectories(dir.resolve("models/diffusion_models"));
        Path file = models.resolve("wan-tiny.safetensors");
        if (!Files.exists(file)) Files.copy(GOLDEN.resolve("weights.safetensors"), file);
        return (DiffusionModel) new UnetLoader().execute(
                new NodeInputs(Map.of("unet_name", "wan-tiny.safetensors", "weight_dtype", "default")), ctx).results().get(0);
    }

    private static DiffusionModel select(DiffusionModel model, String mode, TestContext ctx) {
        return (DiffusionModel) new AttentionSelectNode().execute(new NodeInputs(Map.of("model", model, "mode", mode)), ctx)
                .results().get(0);
    }

    /** The golden input through {@code model}'s network with its own attention (or the device's when it has none). */
    private static float[] forward(DiffusionModel model) throws Exception {
        try (SafeTensorsFile in = SafeTensorsFile.open(GOLDEN.resolve("inputs.safetensors"))) {
            AttentionSelector selector = model.options().attention().selector();
            return model.net().forward(in.tensor("x").toF32().batchOfOne(), new double[] {in.tensor("t").getDouble(0)},
                    in.tensor("context").toF32().batchOfOne(), Map.of(), new ForwardPlan(BlockLoop.EVERY_BLOCK, selector))
                    .toFloatArray();
        }
    }

    private static float[] golden() throws Exception {
        try (SafeTensorsFile act = SafeTensorsFile.open(GOLDEN.resolve("activations.safetensors"))) {
            return act.tensor("output").toFloatArray();
        }
    }

    @Test
    void the_mode_combo_is_the_two_selecting_modes_then_the_devices_implementations() throws Exception {
        TestContext ctx = new TestContext(dir);
        List<String> names = ctx.device().attentionImplementations().stream().map(AttentionImplementation::name).toList();
        assertEquals(List.of("flash", "naive"), names, "the CPU device's implementations");
        assertEquals(List.of("auto-runtime", "static", "flash", "naive"), AttentionSelectNode.modes(ctx));
        TestContext reference = new TestContext(dir, Devices.cpu(new BackendOptions(1, "runtime", false, false, true)));
        assertEquals(List.of("auto-runtime", "static", "reference"), AttentionSelectNode.modes(reference),
                "another device, another list");
    }

    /**
     * A named implementation is what the MODEL runs: bit-identical to a device whose default is that
     * implementation (every other kernel is the device's), and each choice says so.
     */
    @ParameterizedTest
    @ValueSource(strings = {"flash", "naive"})
    void a_named_implementation_matches_the_device_whose_default_it_is_bit_for_bit(String name) throws Exception {
        TestContext ctx = new TestContext(dir, Devices.cpu(BackendOptions.defaults().withAttention("manual:" + name)));
        DiffusionModel plain = load(ctx);
        DiffusionModel selected = select(plain, name, ctx);
        float[] expected = forward(plain);
        float[] out = forward(selected);
        assertArrayEquals(expected, out);
        assertTrue(TensorMetrics.relativeL2(out, golden()) <= 1e-5, "against the official code");
        Map<?, AttentionChoice> choices = selected.options().attention().selector().choices();
        assertEquals(2, choices.size(), "self- and cross-attention shapes: " + choices);
        choices.values().forEach(c -> assertEquals(name, c.implementation(), c.describe()));
        assertSame(AttentionPolicy.DEVICE, plain.options().attention(), "the input MODEL is unchanged");
    }

    @Test
    void auto_runtime_times_every_implementation_once_per_shape_and_each_model_keeps_its_own_choices() throws Exception {
        TestContext ctx = new TestContext(dir);
        DiffusionModel plain = load(ctx);
        DiffusionModel first = select(plain, "auto-runtime", ctx);
        DiffusionModel second = select(plain, "auto-runtime", ctx);
        AttentionSelector a = first.options().attention().selector(), b = second.options().attention().selector();
        assertNotSame(a, b);
        List<AttentionChoice> heard = new java.util.ArrayList<>();
        try (AttentionSelector.Listening listening = a.onChoice(heard::add)) {
            assertTrue(TensorMetrics.relativeL2(forward(first), golden()) <= 1e-5);
            forward(first); // remembered: no new choice
        }
        assertEquals(2, heard.size(), heard.toString());
        for (AttentionChoice c : heard) {
            assertEquals(AttentionSelector.Mode.RUNTIME, c.mode());
            assertEquals(List.of("flash", "naive"), List.copyOf(c.timingsNanos().keySet()), c.describe());
            assertTrue(c.selectionNanos() > 0 && c.describe().contains("selection took"), c.describe());
        }
        assertTrue(b.choices().isEmpty(), "the other MODEL has chosen nothing yet");
    }

    @Test
    void static_mode_picks_by_the_rule_table_on_any_device() throws Exception {
        TestContext ctx = new TestContext(dir, Devices.cpu(new BackendOptions(1, "runtime", false, false, true)));
        DiffusionModel selected = select(load(ctx), "static", ctx);
        assertTrue(TensorMetrics.relativeL2(forward(selected), golden()) <= 1e-5);
        Map<?, AttentionChoice> choices = selected.options().attention().selector().choices();
        assertFalse(choices.isEmpty());
        choices.values().forEach(c -> assertEquals("reference", c.implementation(), c.describe()));
    }
}
