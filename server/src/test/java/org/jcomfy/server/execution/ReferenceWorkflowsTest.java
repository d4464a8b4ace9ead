package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;

/**
 * The saved Wan workflows of testdata/reference-workflows load and validate on jcomfy, with their
 * model names pointed at the demo files of the same family (the real weights are not here); the
 * Wan2.1 text-to-video one also runs end to end on the real server and writes a video.
 */
class ReferenceWorkflowsTest {
    private static final Path WORKFLOWS = Path.of(System.getProperty("jcomfy.testdata"), "reference-workflows");

    /** Loader inputs and the demo (or fixture) file each is pointed at (the real weights are not here). */
    static final Map<String, String> MODEL_INPUTS = Map.of(
            "unet_name", DemoModels.DIT, "clip_name", DemoModels.TEXT_ENCODER, "vae_name", DemoModels.VAE);

    @ParameterizedTest
    @ValueSource(strings = {"text_to_video_wan.json", "image_to_video_wan.json", "image_to_video_wan_example.json",
            "text_to_video_wan22_14B.json", "image_to_video_wan22_14B.json", "text_to_video_wan22_5B.json",
            "image_to_video_wan22_5B.json"})
    void the_saved_workflow_converts_and_passes_validation(String file) throws Exception {
        try (TestServer server = TestServer.start()) {
            ObjectNode prompt = preparedPrompt(server, file);
            ValidationResult result = new PromptValidator(NodeRegistry.load(), server.environment).validate(prompt, null);
            assertNull(result.error(), () -> file + ": " + result.error());
            assertEquals(0, result.nodeErrors().size(), () -> file + ": " + result.nodeErrors());
            assertTrue(result.outputs().size() >= 1);
        }
    }

    @Test
    void the_wan21_text_to_video_workflow_runs_end_to_end_and_writes_the_video() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("t2v")) {
            ObjectNode prompt = preparedPrompt(server, "text_to_video_wan.json");
            // The saved 832x480x33, 30 steps would take minutes with the demo models on 2 cores: same graph, smaller numbers.
            ObjectNode latent = (ObjectNode) prompt.get("40").get("inputs");
            latent.put("width", 64).put("height", 48).put("length", 9);
            ((ObjectNode) prompt.get("3").get("inputs")).put("steps", 3);
            String id = server.submit(prompt.toString(), "t2v");
            List<JsonNode> events = ws.untilDone(id);
            List<String> types = TestWebSocket.types(events);
            assertTrue(types.contains("execution_success"), () -> "events: " + types + " " + events);
            assertEquals(3, events.stream().filter(e -> e.path("type").asText().equals("progress")
                    && e.path("data").path("node").asText().equals("3")).count(), "one progress event per sampling step");

            JsonNode output = server.awaitHistory(id).path("outputs").path("28");
            assertEquals(List.of(true), List.of(output.path("animated").get(0).asBoolean()));
            String name = output.path("images").get(0).path("filename").asText();
            byte[] webp = Files.readAllBytes(server.environment.outputDirectory().resolve(name));
            String riff = new String(webp, StandardCharsets.ISO_8859_1);
            // 4·(3−1)+1 = 9 frames for 3 latent frames at the workflow's 16 fps; the encoder may merge
            // identical neighbours into one longer frame, so count the time the frames cover
            int shownMs = animationMilliseconds(webp);
            assertTrue(Math.abs(shownMs - 9 * 1000 / 16) <= 9, "9 frames of 1/16 s, got " + shownMs + " ms");
            // The canvas size sits in the VP8X chunk: 24-bit little-endian width-1 and height-1.
            int width = 1 + (webp[24] & 0xff | (webp[25] & 0xff) << 8 | (webp[26] & 0xff) << 16);
            int height = 1 + (webp[27] & 0xff | (webp[28] & 0xff) << 8 | (webp[29] & 0xff) << 16);
            assertEquals(64, width);
            assertEquals(48, height);
            assertTrue(riff.contains("prompt:{"), "the prompt is embedded for drag-and-drop");
        }
    }

    @Test
    void interrupt_stops_sampling_within_a_step() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("stop")) {
            ObjectNode prompt = preparedPrompt(server, "text_to_video_wan.json");
            ((ObjectNode) prompt.get("40").get("inputs")).put("width", 64).put("height", 48).put("length", 9);
            ((ObjectNode) prompt.get("3").get("inputs")).put("steps", 200);
            String id = server.submit(prompt.toString(), "stop");
            ws.await(m -> m.path("type").asText().equals("progress") && m.path("data").path("node").asText().equals("3"));
            assertEquals(200, server.post("/interrupt", "{}").statusCode());
            List<JsonNode> events = ws.untilDone(id);
            assertTrue(TestWebSocket.types(events).contains("execution_interrupted"), TestWebSocket.types(events).toString());
            long stepsAfter = events.stream().filter(e -> e.path("type").asText().equals("progress")).count();
            assertTrue(stepsAfter <= 2, "sampling went on for " + stepsAfter + " steps after the interrupt");
        }
    }

    @Test
    void a_sampler_comfyui_lists_but_jcomfy_does_not_implement_is_refused_at_validation() throws Exception {
        try (TestServer server = TestServer.start()) {
            ObjectNode prompt = preparedPrompt(server, "text_to_video_wan.json");
            ((ObjectNode) prompt.get("3").get("inputs")).put("sampler_name", "dpm_adaptive");
            ValidationResult result = new PromptValidator(NodeRegistry.load(), server.environment).validate(prompt, null);
            JsonNode error = result.nodeErrors().path("3").path("errors").get(0);
            assertEquals("custom_validation_failed", error.path("type").asText(), result.nodeErrors().toString());
            assertTrue(error.path("details").asText().contains("'dpm_adaptive' is listed for compatibility with ComfyUI but not implemented"),
                    error.toString());
        }
    }

    /** Converts the UI file and points its model names at files present in the server's model folders. */
    static ObjectNode preparedPrompt(TestServer server, String file) throws Exception {
        Path models = server.base.resolve("models");
        DemoModels.ensure(models, System.out);
        // No CLIP vision model exists in jcomfy yet: an empty fixture lets the i2v graphs validate (they are not run).
        Files.createDirectories(models.resolve("clip_vision"));
        Files.write(models.resolve("clip_vision/clip_vision_h.safetensors"), new byte[0]);
        JsonNode workflow = Json.MAPPER.readTree(WORKFLOWS.resolve(file).toFile());
        ObjectNode prompt = new UiWorkflowConverter(NodeRegistry.load()).convert(workflow);
        for (JsonNode node : prompt) {
            ObjectNode inputs = (ObjectNode) node.get("inputs");
            MODEL_INPUTS.forEach((input, demo) -> {
                if (inputs.has(input) && !node.get("class_type").asText().equals("CLIPVisionLoader")) inputs.put(input, demo);
            });
            if (node.get("class_type").asText().equals("CLIPVisionLoader")) inputs.put("clip_name", "clip_vision_h.safetensors");
            if (node.get("class_type").asText().equals("LoadImage")) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                ImageIO.write(img, "png", server.environment.inputDirectory().resolve(inputs.get("image").asText()).toFile());
            }
        }
        return prompt;
    }

    /** The summed durations of an animated WebP's ANMF chunks (RIFF chunks after the 12-byte header). */
    private static int animationMilliseconds(byte[] webp) {
        int ms = 0;
        for (int at = 12; at + 8 <= webp.length; ) {
            String id = new String(webp, at, 4, StandardCharsets.ISO_8859_1);
            int size = webp[at + 4] & 0xff | (webp[at + 5] & 0xff) << 8 | (webp[at + 6] & 0xff) << 16 | (webp[at + 7] & 0xff) << 24;
            if (id.equals("ANMF")) {
                int d = at + 8 + 12; // after the frame's x, y, width-1, height-1 (3 bytes each)
                ms += webp[d] & 0xff | (webp[d + 1] & 0xff) << 8 | (webp[d + 2] & 0xff) << 16;
            }
            at += 8 + size + (size & 1);
        }
        return ms;
    }
}
