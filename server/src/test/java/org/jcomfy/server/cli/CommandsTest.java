package org.jcomfy.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's headless commands, driven as a user would. */
class CommandsTest {
    private static final BackendOptions DEFAULTS = BackendOptions.defaults();

    @TempDir Path dir;

    @Test
    void run_executes_an_api_prompt_on_a_private_server_and_reports_the_saved_file() throws Exception {
        Path prompt = dir.resolve("prompt.json");
        Files.writeString(prompt, """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 8, "batch_size": 1, "color": 255}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cli"}}}""");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = RunCommand.run(new String[] {prompt.toString(), "--base-directory", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), DEFAULTS);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("saved " + dir.resolve("output/cli_00001_.png")), out.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(dir.resolve("output/cli_00001_.png")));
    }

    @Test
    void run_reports_a_rejected_prompt_with_its_node_errors_and_exit_code_1() throws Exception {
        Path prompt = dir.resolve("bad.json");
        Files.writeString(prompt, """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 0, "height": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cli"}}}""");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RunCommand.run(new String[] {prompt.toString(), "--base-directory", dir.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), DEFAULTS, new ArrayList<>());
        assertEquals(1, code);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("node 1 (EmptyImage)") && e.contains("width"), e);
    }

    @Test
    void run_set_changes_widget_values_by_node_id_title_or_class_and_out_picks_the_folder() throws Exception {
        Path prompt = dir.resolve("prompt.json");
        Files.writeString(prompt, """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 8, "batch_size": 1, "color": 255},
                       "_meta": {"title": "Canvas.v2"}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cli"}}}""");
        Path out = dir.resolve("elsewhere");
        ByteArrayOutputStream err = new ByteArrayOutputStream(), said = new ByteArrayOutputStream();
        int code = RunCommand.run(new String[] {prompt.toString(), "--base-directory", dir.toString(),
                "--set", "1.width=24", "--set", "Canvas.v2.height=10", "--set", "SaveImage.filename_prefix=set", "--out", out.toString()},
                new PrintStream(said, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), DEFAULTS);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("saved " + out.resolve("set_00001_.png")), said.toString(StandardCharsets.UTF_8));
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve("set_00001_.png").toFile());
        assertEquals(24, png.getWidth());
        assertEquals(10, png.getHeight());
        assertTrue(Files.notExists(dir.resolve("output/set_00001_.png")));
    }

    @Test
    void run_set_that_names_nothing_a_link_or_a_wrong_type_exits_2_with_the_reason() throws Exception {
        Path prompt = dir.resolve("prompt.json");
        Files.writeString(prompt, """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 8, "batch_size": 1, "color": 255}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "cli"}}}""");
        String[][] cases = {
                {"9.width=3", "no node with id, title or class '9'"},
                {"1.wdth=3", "has no input 'wdth'; its inputs: width, height, batch_size, color"},
                {"2.images=x", "is connected to node 1"},
                {"1.width=wide", "'width' is a number (now 16), not 'wide'"},
                {"width3", "--set takes NODE.INPUT=VALUE"}};
        for (String[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = RunCommand.run(new String[] {prompt.toString(), "--base-directory", dir.toString(), "--set", c[0]},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8), DEFAULTS);
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, code, c[0] + ": " + e);
            assertTrue(e.contains(c[1]), c[0] + ": " + e);
        }
        assertTrue(Files.notExists(dir.resolve("output/cli_00001_.png")), "nothing ran");
    }

    @Test
    void tensors_runs_the_dit_on_the_golden_inputs_and_writes_its_output() throws Exception {
        Path golden = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wan-tiny");
        Path out = dir.resolve("out.safetensors");
        int code = TensorsCommand.run(new String[] {"dit", "--weights", golden.resolve("weights.safetensors").toString(),
                "--inputs", golden.resolve("inputs.safetensors").toString(), "--out", out.toString()}, System.err, DEFAULTS);
        assertEquals(0, code);
        try (SafeTensorsFile f = SafeTensorsFile.open(out); SafeTensorsFile expected = SafeTensorsFile.open(golden.resolve("activations.safetensors"))) {
            double err = TensorMetrics.relativeL2(f.tensor("output"), expected.tensor("output"));
            assertTrue(err <= 1e-5, "relative L2 " + err);
        }
    }

    @Test
    void tensors_without_its_flags_prints_the_input_names() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, TensorsCommand.run(new String[] {"vae-decode"}, new PrintStream(err, true, StandardCharsets.UTF_8), DEFAULTS));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("vae-decode  inputs: z"));
    }
}
