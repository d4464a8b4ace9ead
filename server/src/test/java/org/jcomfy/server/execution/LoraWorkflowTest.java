package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.junit.jupiter.api.Test;

/**
 * The saved Wan2.1 text-to-video workflow with a LoraLoaderModelOnly between the model and
 * KSampler "3", through the real server: LoRA files written for the demo DiT's shapes, the
 * sampled latent saved by a SaveLatent node and compared bit for bit.
 */
class LoraWorkflowTest {
    private static final String DIT_PREFIX = "model.diffusion_model.";

    /** The workflow at a small size, the decoder and video save replaced by a SaveLatent of KSampler "3". */
    private static ObjectNode prompt(TestServer server, String lora, double strength) throws Exception {
        ObjectNode prompt = ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json");
        ((ObjectNode) prompt.get("40").get("inputs")).put("width", 32).put("height", 32).put("length", 5);
        ObjectNode sampler = (ObjectNode) prompt.get("3").get("inputs");
        sampler.put("steps", 2).put("seed", 7);
        List<String> decoding = new ArrayList<>();
        prompt.properties().forEach(e -> {
            String type = e.getValue().path("class_type").asText();
            if (type.startsWith("VAEDecode") || type.startsWith("Save") || type.equals("CreateVideo")) decoding.add(e.getKey());
        });
        decoding.forEach(prompt::remove);
        ObjectNode save = prompt.putObject("911");
        save.put("class_type", "SaveLatent");
        save.putObject("inputs").put("filename_prefix", "latents/lora").putArray("samples").add("3").add(0);
        if (lora != null) {
            ObjectNode node = prompt.putObject("910");
            node.put("class_type", "LoraLoaderModelOnly");
            node.putObject("inputs").put("lora_name", lora).put("strength_model", strength).set("model", sampler.get("model"));
            sampler.putArray("model").add("910").add(0);
        }
        return prompt;
    }

    /** A rank-4 LoRA (ComfyUI's key format) on every block's self_attn.q and ffn.0, shaped from the demo DiT file. */
    private static void writeLora(TestServer server, String name, long seed) throws Exception {
        Path models = server.base.resolve("models");
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (SafeTensorsFile dit = SafeTensorsFile.open(models.resolve("diffusion_models").resolve(DemoModels.DIT))) {
            for (String k : dit.names()) shapes.put(k.substring(DIT_PREFIX.length()), dit.entry(k).shape());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> lora = new LinkedHashMap<>();
        for (int b = 0; shapes.containsKey("blocks." + b + ".modulation"); b++) {
            for (String module : List.of("self_attn.q", "ffn.0")) {
                long[] w = shapes.get("blocks." + b + "." + module + ".weight");
                String key = "diffusion_model.blocks." + b + "." + module;
                lora.put(key + ".lora_up.weight", random(rng, w[0], 4));
                lora.put(key + ".lora_down.weight", random(rng, 4, w[1]));
                lora.put(key + ".alpha", Tensor.of(new float[] {4f}));
            }
        }
        Files.createDirectories(models.resolve("loras"));
        SafeTensorsWriter.write(models.resolve("loras").resolve(name), lora);
    }

    private static Tensor random(SplittableRandom rng, long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextDouble() - 0.5);
        return Tensor.of(v, shape);
    }

    /** A run's events and the latent its SaveLatent wrote. */
    private record Run(List<JsonNode> events, float[] latent) {
        boolean sampled() {
            return events.stream().anyMatch(e -> e.path("type").asText().equals("executing") && e.at("/data/node").asText().equals("3"));
        }
    }

    private static Run run(TestServer server, TestWebSocket ws, ObjectNode prompt) throws Exception {
        String id = server.submit(prompt.toString(), "lora");
        List<JsonNode> events = ws.untilDone(id);
        assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
        JsonNode saved = server.awaitHistory(id).at("/outputs/911/latents/0");
        Path file = server.environment.outputDirectory().resolve(saved.get("subfolder").asText()).resolve(saved.get("filename").asText());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return new Run(events, f.tensor("latent_tensor").toFloatArray());
        }
    }

    @Test
    void strength_zero_gives_the_base_output_exactly_and_each_strength_or_lora_samples_anew() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("lora")) {
            ws.awaitType("status");
            ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json"); // writes the demo models
            writeLora(server, "style.safetensors", 1);
            writeLora(server, "other.safetensors", 2);

            Run base = run(server, ws, prompt(server, null, 0));
            Run full = run(server, ws, prompt(server, "style.safetensors", 1.0));
            assertTrue(full.sampled(), "another strength is another cache key: KSampler runs again");
            assertFalse(Arrays.equals(base.latent(), full.latent()), "the LoRA at strength 1 changes the output");

            // After a LoRA'd copy exists, strength 0 samples again (its key differs) and gives the base output bit for bit.
            Run zero = run(server, ws, prompt(server, "style.safetensors", 0.0));
            assertTrue(zero.sampled(), "strength 0 is its own cache key");
            assertArrayEquals(base.latent(), zero.latent(), "strength 0 is the base model, whose weights the LoRA left alone");

            Run half = run(server, ws, prompt(server, "style.safetensors", 0.5));
            assertTrue(half.sampled());
            assertFalse(Arrays.equals(full.latent(), half.latent()), "the strength reaches the weights");
            Run other = run(server, ws, prompt(server, "other.safetensors", 1.0));
            assertTrue(other.sampled(), "another lora_name is another cache key");
            assertFalse(Arrays.equals(full.latent(), other.latent()), "another LoRA, another output");

            // The same LoRA and strength again is the cached result (classic cache: the latest prompt's): nothing samples.
            Run again = run(server, ws, prompt(server, "other.safetensors", 1.0));
            assertFalse(again.sampled(), "an equal prompt is served from the output cache");
            assertArrayEquals(other.latent(), again.latent());
        }
    }

    /** The same workflow with a LoraLoader on the model and on the CLIP that both text encodes use. */
    private static ObjectNode promptWithClip(TestServer server, String lora, double strengthModel, double strengthClip) throws Exception {
        ObjectNode prompt = prompt(server, null, 0);
        ObjectNode sampler = (ObjectNode) prompt.get("3").get("inputs");
        String clipLoader = null;
        for (var e : prompt.properties()) if (e.getValue().path("class_type").asText().equals("CLIPLoader")) clipLoader = e.getKey();
        ObjectNode node = prompt.putObject("912");
        node.put("class_type", "LoraLoader");
        ObjectNode inputs = node.putObject("inputs").put("lora_name", lora).put("strength_model", strengthModel).put("strength_clip", strengthClip);
        inputs.set("model", sampler.get("model"));
        inputs.putArray("clip").add(clipLoader).add(0);
        sampler.putArray("model").add("912").add(0);
        for (JsonNode n : prompt) {
            if (!n.path("class_type").asText().equals("CLIPTextEncode")) continue;
            ((ObjectNode) n.get("inputs")).putArray("clip").add("912").add(1);
        }
        return prompt;
    }

    /** A LoRA of {@link #writeLora}'s DiT keys plus a rank-2 patch of the demo text encoder's first query matrix. */
    private static void writeLoraWithTextEncoder(TestServer server, String name) throws Exception {
        Path models = server.base.resolve("models");
        writeLora(server, name, 1);
        Map<String, Tensor> lora = new LinkedHashMap<>();
        try (SafeTensorsFile file = SafeTensorsFile.open(models.resolve("loras").resolve(name))) {
            for (String k : file.names()) lora.put(k, file.tensor(k).copy());
        }
        long[] q;
        try (SafeTensorsFile te = SafeTensorsFile.open(models.resolve("text_encoders").resolve(DemoModels.TEXT_ENCODER))) {
            q = te.entry("encoder.block.0.layer.0.SelfAttention.q.weight").shape();
        }
        SplittableRandom rng = new SplittableRandom(3);
        String key = "text_encoders.umt5xxl.transformer.encoder.block.0.layer.0.SelfAttention.q";
        lora.put(key + ".lora_up.weight", random(rng, q[0], 2));
        lora.put(key + ".lora_down.weight", random(rng, 2, q[1]));
        SafeTensorsWriter.write(models.resolve("loras").resolve(name), lora);
    }

    @Test
    void lora_loader_patches_the_model_and_the_clip_that_both_text_encodes_use() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("lora")) {
            ws.awaitType("status");
            ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json");
            writeLora(server, "style.safetensors", 1);
            writeLoraWithTextEncoder(server, "with_te.safetensors");

            Run base = run(server, ws, prompt(server, null, 0));
            Run modelOnly = run(server, ws, prompt(server, "style.safetensors", 1.0));
            // A file without text-encoder keys: the CLIP passes through, the model is the same patched copy.
            Run loader = run(server, ws, promptWithClip(server, "style.safetensors", 1.0, 1.0));
            assertTrue(loader.sampled());
            assertArrayEquals(modelOnly.latent(), loader.latent(), "LoraLoader's model side is LoraLoaderModelOnly's");

            Run clipOnly = run(server, ws, promptWithClip(server, "with_te.safetensors", 0.0, 1.0));
            assertFalse(Arrays.equals(base.latent(), clipOnly.latent()), "the text-encoder patch changes the conditioning");
            Run neither = run(server, ws, promptWithClip(server, "with_te.safetensors", 0.0, 0.0));
            assertArrayEquals(base.latent(), neither.latent(), "both strengths 0: the model and CLIP as loaded");
        }
    }

    @Test
    void both_lora_nodes_are_in_object_info_with_comfyuis_schemas() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode only = server.getJson("/object_info/LoraLoaderModelOnly").get("LoraLoaderModelOnly");
            assertEquals("loaders", only.get("category").asText());
            assertEquals(List.of("model", "lora_name", "strength_model"), names(only.at("/input_order/required")));
            JsonNode strength = only.at("/input/required/strength_model");
            assertEquals("FLOAT", strength.get(0).asText());
            assertEquals(1.0, strength.at("/1/default").asDouble());
            assertEquals(-100.0, strength.at("/1/min").asDouble());
            assertEquals(100.0, strength.at("/1/max").asDouble());
            assertEquals(0.01, strength.at("/1/step").asDouble());
            assertEquals("MODEL", only.at("/output/0").asText());

            JsonNode both = server.getJson("/object_info/LoraLoader").get("LoraLoader");
            assertEquals("Load LoRA", both.get("display_name").asText());
            assertEquals("loaders", both.get("category").asText());
            assertEquals(List.of("model", "clip", "lora_name", "strength_model", "strength_clip"), names(both.at("/input_order/required")));
            assertEquals(List.of("MODEL", "CLIP"), names(both.get("output")));
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
