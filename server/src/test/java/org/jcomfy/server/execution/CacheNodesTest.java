package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.junit.jupiter.api.Test;

/** The cache nodes (DiTCache, EasyCache, LazyCache, WanTeaCache) in the saved Wan2.1 text-to-video workflow, through the real server. */
class CacheNodesTest {

    /** The workflow at a small size with a DiTCache between the model and KSampler "3". */
    private static ObjectNode cachedPrompt(TestServer server, String method, int stepStart, int stepEnd, int blockEnd)
            throws Exception {
        ObjectNode prompt = ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json");
        ((ObjectNode) prompt.get("40").get("inputs")).put("width", 32).put("height", 32).put("length", 5);
        ObjectNode sampler = (ObjectNode) prompt.get("3").get("inputs");
        sampler.put("steps", 6);
        ObjectNode cache = prompt.putObject("900");
        cache.put("class_type", "DiTCache");
        ObjectNode inputs = cache.putObject("inputs");
        inputs.set("model", sampler.get("model"));
        inputs.put("method", method).put("step_start", stepStart).put("step_interval", 2).put("step_end", stepEnd)
                .put("block_start", 1).put("block_end", blockEnd);
        sampler.putArray("model").add("900").add(0);
        return prompt;
    }

    @Test
    void each_method_runs_the_workflow_and_reports_what_it_computed_and_reused_per_branch() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("cache")) {
            ws.awaitType("status");
            for (String method : List.of("dit_block_cache", "attention_cache")) {
                String id = server.submit(cachedPrompt(server, method, 1, 5, 2).toString(), "cache");
                List<JsonNode> events = ws.untilDone(id);
                assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
                JsonNode report = TestWebSocket.ofType(events, "jcomfy.cache_report").get(0);
                assertEquals(method, report.get("method").asText());
                assertEquals("3", report.get("node").asText());
                assertEquals(6, report.get("steps").asInt());
                for (String branch : List.of("cond", "uncond")) {
                    JsonNode b = report.at("/branches/" + branch);
                    // Steps 0..5, start 1, interval 2, end 5: steps 2 and 4 reuse.
                    assertEquals(2, b.get("steps_reused").asInt(), method + " " + branch + ": " + report);
                    assertEquals(4, b.get("steps_computed").asInt(), report.toString());
                    assertTrue(b.get("blocks_reused").asInt() > 0, report.toString());
                }
            }
        }
    }

    @Test
    void comfyuis_easycache_and_lazycache_nodes_run_the_workflow_and_report_their_reuse() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("easy")) {
            ws.awaitType("status");
            for (String node : List.of("EasyCache", "LazyCache")) {
                ObjectNode prompt = cachedPrompt(server, "dit_block_cache", 1, 5, 2);
                ObjectNode cache = (ObjectNode) prompt.get("900");
                cache.put("class_type", node);
                ObjectNode inputs = (ObjectNode) cache.get("inputs");
                JsonNode model = inputs.get("model");
                inputs.removeAll();
                inputs.set("model", model);
                inputs.put("reuse_threshold", 3.0).put("start_percent", 0.0).put("end_percent", 1.0).put("verbose", false);
                String id = server.submit(prompt.toString(), "easy");
                List<JsonNode> events = ws.untilDone(id);
                assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
                JsonNode report = TestWebSocket.ofType(events, "jcomfy.cache_report").get(0);
                assertEquals(node, report.get("method").asText());
                JsonNode first = report.get("branches").elements().next();
                assertTrue(first.get("steps_reused").asInt() > 0, report.toString());
                assertEquals(6, first.get("steps_reused").asInt() + first.get("steps_computed").asInt(), report.toString());
            }
        }
    }

    @Test
    void teacache_runs_the_workflow_and_reports_its_steps() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("tea")) {
            ws.awaitType("status");
            ObjectNode prompt = cachedPrompt(server, "dit_block_cache", 1, 5, 2);
            ObjectNode cache = (ObjectNode) prompt.get("900");
            cache.put("class_type", "WanTeaCache");
            ObjectNode inputs = (ObjectNode) cache.get("inputs");
            JsonNode model = inputs.get("model");
            inputs.removeAll();
            inputs.set("model", model);
            inputs.put("model_type", "wan2.1_t2v_1.3B").put("mode", "e").put("rel_l1_thresh", 10.0)
                    .put("start_step", 0).put("end_step", -1);
            String id = server.submit(prompt.toString(), "tea");
            List<JsonNode> events = ws.untilDone(id);
            assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
            JsonNode report = TestWebSocket.ofType(events, "jcomfy.cache_report").get(0);
            assertEquals("TeaCache", report.get("method").asText());
            // Which steps skip is CacheScheduleTest's; here only the totals: the published 1.3B
            // polynomial was fitted to the real model, so what it decides on the demo DiT says little.
            JsonNode cond = report.at("/branches/cond");
            assertEquals(6, cond.get("steps_reused").asInt() + cond.get("steps_computed").asInt(), report.toString());
            assertTrue(cond.get("steps_computed").asInt() >= 2, "the first and the last step compute: " + report);
        }
    }

    @Test
    void the_easycache_schema_is_comfyuis() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode info = server.getJson("/object_info/EasyCache").get("EasyCache");
            assertEquals("advanced/debug", info.get("category").asText());
            assertTrue(info.get("experimental").asBoolean());
            assertEquals("comfy_extras.nodes_easycache", info.get("python_module").asText());
            JsonNode threshold = info.at("/input/required/reuse_threshold");
            assertEquals("FLOAT", threshold.get(0).asText());
            assertEquals(0.2, threshold.at("/1/default").asDouble());
            assertEquals(3.0, threshold.at("/1/max").asDouble());
            List<String> order = new java.util.ArrayList<>();
            info.at("/input_order/required").forEach(n -> order.add(n.asText()));
            assertEquals(List.of("model", "reuse_threshold", "start_percent", "end_percent", "verbose"), order);
        }
    }

    @Test
    void knobs_that_contradict_each_other_are_validation_errors_naming_the_node() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode refused = server.refused(cachedPrompt(server, "dit_block_cache", 30, 10, 2).toString());
            JsonNode errors = refused.at("/node_errors/900/errors");
            assertEquals("custom_validation_failed", errors.get(0).get("type").asText(), refused.toString());
            assertTrue(errors.get(0).get("details").asText().contains("step_start (30) must not be after step_end (10)"),
                    refused.toString());
            assertEquals("DiTCache", refused.at("/node_errors/900/class_type").asText());
        }
    }

    @Test
    void a_block_range_past_the_model_fails_the_node_with_a_message() throws Exception {
        try (TestServer server = TestServer.start()) {
            String id = server.submit(cachedPrompt(server, "dit_block_cache", 1, 5, 31).toString(), null);
            JsonNode history = server.awaitHistory(id);
            JsonNode messages = history.at("/status/messages");
            JsonNode error = messages.get(messages.size() - 1);
            assertEquals("execution_error", error.get(0).asText(), history.toString());
            assertEquals("900", error.at("/1/node_id").asText());
            assertTrue(error.at("/1/exception_message").asText().contains("block_end 31 is past the model's"), error.toString());
        }
    }
}
