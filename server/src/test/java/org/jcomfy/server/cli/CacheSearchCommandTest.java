package org.jcomfy.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcomfy cache-search} on the demo workflow (UI format, as saved from the frontend) at
 * 32x32, 5 frames, 6 steps, through the real command: its own server, WebSocket and /view.
 */
class CacheSearchCommandTest {
    private static final Path DEMO = Path.of(System.getProperty("jcomfy.testdata")).resolveSibling("workflows")
            .resolve("text_to_video_demo.json");

    @TempDir Path dir;

    /** The demo workflow at a tiny size: EmptyHunyuanLatentVideo #40 and KSampler #3's widgets edited. */
    private Path tinyDemo() throws Exception {
        ObjectNode workflow = (ObjectNode) Json.MAPPER.readTree(DEMO.toFile());
        for (JsonNode node : workflow.get("nodes")) {
            ArrayNode widgets = (ArrayNode) node.get("widgets_values");
            switch (node.get("type").asText()) {
                case "EmptyHunyuanLatentVideo" -> widgets.set(0, 32).set(1, 32).set(2, 5);
                case "KSampler" -> widgets.set(2, 6);
                default -> { }
            }
        }
        Path file = dir.resolve("tiny_demo.json");
        Files.writeString(file, workflow.toString());
        return file;
    }

    private JsonNode search(String... flags) throws Exception {
        Path json = dir.resolve("search-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of(tinyDemo().toString(), "--base-directory", dir.resolve("base").toString(),
                "--json", json.toString()));
        args.addAll(List.of(flags));
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = CacheSearchCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), BackendOptions.defaults());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("speed-up") && printed.contains("recommended: "), printed);
        return Json.MAPPER.readTree(json.toFile());
    }

    private static void assertBaselineAndControls(JsonNode doc) {
        JsonNode rows = doc.get("rows");
        JsonNode baseline = rows.get(0);
        assertEquals("baseline", baseline.get("role").asText());
        assertTrue(baseline.get("seconds").asDouble() > 0, baseline.toString());
        for (JsonNode control : List.of(rows.get(1), rows.get(rows.size() - 1))) {
            assertEquals("control", control.get("role").asText());
            // A cache that computes every step gives exactly the uncached frames and latent.
            assertEquals("Infinity", control.get("psnr_db").asText(), control.toString());
            assertEquals(1.0, control.get("ssim").asDouble(), 1e-12);
            assertEquals(0.0, control.get("latent_mse").asDouble());
        }
        assertEquals(2, doc.get("dit_blocks").asInt(), "the demo DiT has 2 blocks");
    }

    private static void assertFinite(JsonNode row) {
        for (String key : List.of("seconds", "speedup", "psnr_db", "ssim", "latent_mse")) {
            assertTrue(row.get(key).isNumber() && Double.isFinite(row.get(key).asDouble()), key + " of " + row);
        }
        assertTrue(row.get("latent_mse").asDouble() > 0, "a cache that reuses changes the latent: " + row);
    }

    @Test
    void the_block_range_scan_ranks_ranges_of_the_fewest_blocks_and_recommends_one() throws Exception {
        JsonNode doc = search("--policy", "dit_block_cache", "--step-start", "1", "--step-interval", "2", "--step-end", "5",
                "--target-speedup", "1.01", "--min-psnr", "0", "--max-runs", "3");
        assertBaselineAndControls(doc);
        JsonNode rows = doc.get("rows");
        assertTrue(rows.size() >= 4 && rows.size() <= 3 + 3, "--max-runs 3 bounds the search: " + rows);
        for (int i = 2; i < rows.size() - 1; i++) {
            assertEquals("DiTCache", rows.get(i).get("node").asText());
            assertEquals(1, rows.get(i).at("/knobs/step_start").asInt());
            assertFinite(rows.get(i));
            assertEquals(2, rows.get(i).at("/cache_report/branches/cond/steps_reused").asInt(), "steps 2 and 4 reuse");
        }
        // Steps 2 and 4 of 6 reuse: one block of 2 can give at most 1 / (1 - 2/6 · 1/2) = 1.2x >= 1.01, so the scan starts at 1 block.
        JsonNode first = doc.get("block_scan").get(0);
        assertEquals(1, first.get("cached_blocks").asInt());
        assertEquals(List.of("blocks [1,2)").size(), first.get("ranges_by_latent_mse").size(), first.toString());
        assertEquals("blocks [1,2)", rows.get(2).get("setting").asText(), "block 0 always computes");
        JsonNode recommended = doc.get("recommended");
        assertEquals("search", recommended.get("role").asText(), doc.toString());
        assertFalse(doc.get("recommendation").asText().isEmpty());

        // Each run's final latent is a ComfyUI SaveLatent file.
        Path latent = dir.resolve("base").resolve(recommended.get("latents").get(0).asText());
        try (SafeTensorsFile f = SafeTensorsFile.open(latent)) {
            assertEquals(List.of(1L, 16L, 2L, 4L, 4L), java.util.Arrays.stream(f.entry("latent_tensor").shape()).boxed().toList());
            assertEquals(0, f.entry("latent_format_version_0").shape()[0]);
            assertTrue(f.metadata().get("prompt").contains("SaveLatent"));
        }
    }

    @Test
    void an_inapplicable_setting_is_an_error_row_and_the_search_goes_on() throws Exception {
        JsonNode doc = search("--policy", "attention_cache", "--blocks", "0-2,1-9", "--step-start", "1", "--step-end", "5",
                "--min-psnr", "0");
        assertBaselineAndControls(doc);
        JsonNode rows = doc.get("rows");
        assertEquals(5, rows.size(), rows.toString());
        assertEquals("attention [0,2)", rows.get(2).get("setting").asText());
        assertEquals("attention_cache", rows.get(2).at("/knobs/method").asText());
        assertFinite(rows.get(2));
        JsonNode failed = rows.get(3);
        assertTrue(failed.get("error").asText().contains("block_end 9 is past the model's 2 blocks"), failed.toString());
        assertTrue(failed.get("seconds").isNull() && failed.get("psnr_db").isNull(), failed.toString());
        assertEquals("attention [0,2)", doc.get("recommended").get("setting").asText());
    }
}
