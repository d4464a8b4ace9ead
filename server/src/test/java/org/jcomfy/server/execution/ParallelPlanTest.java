package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.junit.jupiter.api.Test;

/**
 * The ParallelPlan node in the saved Wan2.1 text-to-video workflow on the demo models, through
 * the real server: a plan's latent (fetched back through {@code /view}) is the one-rank latent,
 * and plans that cannot run are refused in ComfyUI's error shapes.
 */
class ParallelPlanTest {

    /** The workflow at a small size, 3 steps, its sampler's latent saved; with a ParallelPlan before KSampler "3" when {@code plan} is set. */
    private static ObjectNode prompt(TestServer server, int ulysses, int ring, boolean cfgParallel, boolean plan) throws Exception {
        ObjectNode prompt = ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json");
        ((ObjectNode) prompt.get("40").get("inputs")).put("width", 48).put("height", 32).put("length", 5);
        ObjectNode sampler = (ObjectNode) prompt.get("3").get("inputs");
        sampler.put("steps", 3);
        ObjectNode save = prompt.putObject("901");
        save.put("class_type", "SaveLatent");
        save.putObject("inputs").put("filename_prefix", "parallel/latent").putArray("samples").add("3").add(0);
        if (plan) {
            ObjectNode node = prompt.putObject("900");
            node.put("class_type", "ParallelPlan");
            ObjectNode inputs = node.putObject("inputs");
            inputs.set("model", sampler.get("model"));
            inputs.put("ulysses_size", ulysses).put("ring_size", ring).put("cfg_parallel", cfgParallel).put("ranks", "local");
            sampler.putArray("model").add("900").add(0);
        }
        return prompt;
    }

    /** Runs {@code prompt} and returns its saved latent, read back through {@code /view}. */
    private static float[] latentOf(TestServer server, TestWebSocket ws, ObjectNode prompt) throws Exception {
        String id = server.submit(prompt.toString(), "parallel");
        List<JsonNode> events = ws.untilDone(id);
        assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
        JsonNode saved = server.awaitHistory(id).at("/outputs/901/latents/0");
        HttpResponse<byte[]> file = server.getBytes("/view?type=output&subfolder=" + URLEncoder.encode(saved.get("subfolder").asText(),
                StandardCharsets.UTF_8) + "&filename=" + URLEncoder.encode(saved.get("filename").asText(), StandardCharsets.UTF_8));
        assertEquals(200, file.statusCode(), saved.toString());
        Path local = Files.createTempFile("parallel", ".latent");
        try {
            Files.write(local, file.body());
            try (SafeTensorsFile in = SafeTensorsFile.open(local)) {
                return in.tensor("latent_tensor").toFloatArray();
            }
        } finally {
            Files.delete(local);
        }
    }

    @Test
    void interrupt_stops_every_rank_within_a_step_and_the_next_prompt_runs() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("parallel")) {
            ws.awaitType("status");
            ObjectNode running = prompt(server, 2, 1, true, true);
            ((ObjectNode) running.get("3").get("inputs")).put("steps", 200);
            String id = server.submit(running.toString(), "parallel");
            ws.await(m -> m.path("type").asText().equals("progress") && m.path("data").path("node").asText().equals("3"));
            assertEquals(200, server.post("/interrupt", "{}").statusCode());
            List<JsonNode> events = ws.untilDone(id);
            assertTrue(TestWebSocket.types(events).contains("execution_interrupted"), TestWebSocket.types(events).toString());
            long stepsAfter = events.stream().filter(e -> e.path("type").asText().equals("progress")).count();
            assertTrue(stepsAfter <= 2, "the 4 ranks went on for " + stepsAfter + " steps after the interrupt");
            // no rank is left behind holding the next prompt up: a fresh plan runs to the end
            float[] next = latentOf(server, ws, prompt(server, 2, 1, true, true));
            assertTrue(next.length > 0);
        }
    }

    @Test
    void ulysses_2_with_cfg_parallel_and_ulysses_2_x_ring_2_give_the_one_rank_latent() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("parallel")) {
            ws.awaitType("status");
            float[] single = latentOf(server, ws, prompt(server, 1, 1, false, false));
            for (int[] plan : new int[][] {{2, 1, 1}, {2, 2, 0}}) {
                float[] parallel = latentOf(server, ws, prompt(server, plan[0], plan[1], plan[2] == 1, true));
                double rel = TensorMetrics.relativeL2(parallel, single);
                assertTrue(rel <= 1e-5, "ulysses " + plan[0] + " x ring " + plan[1] + (plan[2] == 1 ? " x cfg" : "") + ": relative L2 " + rel);
            }
        }
    }

    @Test
    void a_world_past_the_in_process_limit_is_a_validation_error_naming_the_node() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode refused = server.refused(prompt(server, 4, 2, true, true).toString());
            // As ComfyUI reports a VALIDATE_INPUTS message: once per input, "input - message".
            JsonNode errors = refused.at("/node_errors/900/errors");
            String details = null;
            for (JsonNode e : errors) {
                assertEquals("custom_validation_failed", e.get("type").asText(), refused.toString());
                if (e.at("/extra_info/input_name").asText().equals("ulysses_size")) details = e.get("details").asText();
            }
            assertEquals("ulysses_size - this plan needs 16 ranks (2 guidance groups x ulysses_size 4 x ring_size 2), more than the "
                    + "8 in-process ranks 'local' offers (threads of this JVM, up to 8 whatever the core count)", details, refused.toString());
            assertEquals("ParallelPlan", refused.at("/node_errors/900/class_type").asText());
        }
    }

    @Test
    void a_size_below_1_and_an_unknown_rank_source_are_comfyuis_declared_errors() throws Exception {
        try (TestServer server = TestServer.start()) {
            ObjectNode prompt = prompt(server, 0, 1, false, true);
            ((ObjectNode) prompt.get("900").get("inputs")).put("ranks", "workers");
            JsonNode refused = server.refused(prompt.toString());
            List<String> types = new java.util.ArrayList<>();
            refused.at("/node_errors/900/errors").forEach(e -> types.add(e.get("type").asText() + " " + e.at("/extra_info/input_name").asText()));
            assertEquals(List.of("value_smaller_than_min ulysses_size", "value_not_in_list ranks"), types, refused.toString());
        }
    }

    /** The head count is the model's, known only when the node runs: an execution error of the node, naming the count. */
    @Test
    void a_ulysses_size_that_does_not_divide_the_heads_fails_the_node_with_the_models_head_count() throws Exception {
        try (TestServer server = TestServer.start()) {
            String id = server.submit(prompt(server, 4, 1, false, true).toString(), null);
            JsonNode history = server.awaitHistory(id);
            JsonNode messages = history.at("/status/messages");
            JsonNode error = messages.get(messages.size() - 1);
            assertEquals("execution_error", error.get(0).asText(), history.toString());
            assertEquals("900", error.at("/1/node_id").asText());
            assertEquals("ParallelPlan", error.at("/1/node_type").asText());
            assertTrue(error.at("/1/exception_message").asText().startsWith("ulysses_size 4 does not divide the model's 2 attention heads"),
                    error.toString());
        }
    }

    @Test
    void the_node_is_listed_with_its_widgets_in_jcomfy_acceleration() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode info = server.getJson("/object_info/ParallelPlan").get("ParallelPlan");
            assertEquals("jcomfy/acceleration", info.get("category").asText());
            List<String> order = new java.util.ArrayList<>();
            info.at("/input_order/required").forEach(n -> order.add(n.asText()));
            assertEquals(List.of("model", "ulysses_size", "ring_size", "cfg_parallel", "ranks"), order);
            assertEquals(1, info.at("/input/required/ulysses_size/1/default").asInt());
            assertEquals(8, info.at("/input/required/ring_size/1/max").asInt());
            assertEquals("BOOLEAN", info.at("/input/required/cfg_parallel/0").asText());
            assertEquals("local", info.at("/input/required/ranks/0/0").asText());
            assertEquals("MODEL", info.at("/output/0").asText());
        }
    }

    @Test
    void the_ranks_route_lists_the_in_process_ranks_a_plan_can_use() throws Exception {
        try (TestServer server = TestServer.start()) {
            for (String path : List.of("/api/jcomfy/ranks", "/jcomfy/ranks")) {
                JsonNode ranks = server.getJson(path);
                assertEquals(8, ranks.get("max_world").asInt(), ranks.toString());
                assertEquals("in-process", ranks.at("/sources/local/kind").asText());
                assertEquals(8, ranks.get("ranks").size());
                for (int r = 0; r < 8; r++) {
                    JsonNode rank = ranks.get("ranks").get(r);
                    assertEquals(r, rank.get("rank").asInt());
                    assertEquals("local", rank.get("source").asText());
                    assertEquals(server.environment.device().id().toString(), rank.get("device").asText());
                }
            }
        }
    }

    /** The saved demo workflow with a ParallelPlan (Ulysses 2 x CFG parallel on the demo DiT's 2 heads), as the frontend would load it. */
    @Test
    void the_saved_parallel_demo_workflow_converts_with_its_widgets_and_runs() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("demo")) {
            ws.awaitType("status");
            DemoModels.ensure(server.base.resolve("models"), System.out);
            JsonNode workflow = Json.MAPPER.readTree(Path.of(System.getProperty("jcomfy.testdata")).resolveSibling("workflows")
                    .resolve("text_to_video_demo_parallel.json").toFile());
            ObjectNode prompt = new UiWorkflowConverter(NodeRegistry.load()).convert(workflow);
            JsonNode plan = prompt.get("49");
            assertEquals("ParallelPlan", plan.get("class_type").asText());
            assertEquals("{\"ulysses_size\":2,\"ring_size\":1,\"cfg_parallel\":true,\"ranks\":\"local\",\"model\":[\"48\",0]}",
                    plan.get("inputs").toString());
            assertEquals("49", prompt.at("/3/inputs/model/0").asText(), "KSampler takes the planned MODEL");
            ((ObjectNode) prompt.get("40").get("inputs")).put("width", 32).put("height", 32).put("length", 5);
            ((ObjectNode) prompt.get("3").get("inputs")).put("steps", 2);
            String id = server.submit(prompt.toString(), "demo");
            List<JsonNode> events = ws.untilDone(id);
            assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
        }
    }
}
