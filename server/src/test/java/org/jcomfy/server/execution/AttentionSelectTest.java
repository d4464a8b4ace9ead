package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.junit.jupiter.api.Test;

/** AttentionSelect in the saved Wan2.1 text-to-video workflow, through the real server. */
class AttentionSelectTest {

    /** The workflow at a small size with an AttentionSelect between the model and KSampler "3". */
    private static ObjectNode selectingPrompt(TestServer server, String mode, long seed) throws Exception {
        ObjectNode prompt = ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json");
        ((ObjectNode) prompt.get("40").get("inputs")).put("width", 32).put("height", 32).put("length", 5);
        ObjectNode sampler = (ObjectNode) prompt.get("3").get("inputs");
        sampler.put("steps", 3).put("seed", seed);
        ObjectNode node = prompt.putObject("910");
        node.put("class_type", "AttentionSelect");
        node.putObject("inputs").put("mode", mode).set("model", sampler.get("model"));
        sampler.putArray("model").add("910").add(0);
        return prompt;
    }

    @Test
    void the_mode_combo_is_the_selecting_modes_then_the_devices_implementations() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode info = server.getJson("/object_info/AttentionSelect").get("AttentionSelect");
            assertEquals("jcomfy/acceleration", info.get("category").asText());
            List<String> modes = new ArrayList<>();
            info.at("/input/required/mode/0").forEach(m -> modes.add(m.asText()));
            assertEquals(List.of("auto-runtime", "static", "flash", "naive"), modes);
        }
    }

    @Test
    void auto_runtime_reports_each_choice_as_made_and_a_model_keeps_them_for_the_next_prompt() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("attn")) {
            ws.awaitType("status");
            List<JsonNode> events = ws.untilDone(server.submit(selectingPrompt(server, "auto-runtime", 1).toString(), "attn"));
            assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
            List<JsonNode> made = TestWebSocket.ofType(events, "jcomfy.attention_choice");
            assertEquals(2, made.size(), "self- and cross-attention of the demo DiT: " + made);
            JsonNode report = TestWebSocket.ofType(events, "jcomfy.attention_report").get(0);
            assertEquals("auto-runtime", report.get("setting").asText());
            assertEquals(2, report.get("choices").size(), report.toString());
            for (JsonNode choice : report.get("choices")) {
                assertEquals("runtime", choice.get("mode").asText());
                assertTrue(List.of("flash", "naive").contains(choice.get("implementation").asText()), choice.toString());
                assertEquals(2, choice.get("timings_ms").size(), choice.toString());
                assertTrue(choice.get("selection_ms").asDouble() > 0, choice.toString());
                assertTrue(choice.get("this_prompt").asBoolean(), choice.toString());
            }

            // Another seed reruns the sampler but not AttentionSelect (its output is cached): the
            // MODEL's selector has already chosen, so nothing is timed again.
            events = ws.untilDone(server.submit(selectingPrompt(server, "auto-runtime", 2).toString(), "attn"));
            assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
            assertTrue(TestWebSocket.ofType(events, "jcomfy.attention_choice").isEmpty(), events.toString());
            report = TestWebSocket.ofType(events, "jcomfy.attention_report").get(0);
            assertEquals(2, report.get("choices").size(), report.toString());
            for (JsonNode choice : report.get("choices")) assertFalse(choice.get("this_prompt").asBoolean(), choice.toString());
        }
    }

    @Test
    void an_implementation_the_device_lacks_is_a_validation_error_naming_the_node_and_input() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode refused = server.refused(selectingPrompt(server, "sage", 1).toString());
            JsonNode error = refused.at("/node_errors/910/errors/0");
            assertEquals("value_not_in_list", error.get("type").asText(), refused.toString());
            assertEquals("mode", error.at("/extra_info/input_name").asText(), refused.toString());
            assertEquals("AttentionSelect", refused.at("/node_errors/910/class_type").asText());
        }
    }
}
