package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;

/** POST /prompt validation errors and coercions, shape for shape as ComfyUI (§2). */
class PromptValidationTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    /** TestNumber (with the given inputs JSON) feeding a TestSink output. */
    static String numberPrompt(String inputs) {
        return "{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":" + inputs + "},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
    }

    static HttpResponse<String> post(String prompt) throws Exception {
        return server.post("/prompt", "{\"prompt\":" + prompt + "}");
    }

    static JsonNode rejected(String prompt) throws Exception { return server.refused(prompt); }

    /** The first error of node 1, after checking the whole response shape. */
    static JsonNode nodeOneError(String prompt) throws Exception {
        JsonNode body = rejected(prompt);
        assertEquals("prompt_outputs_failed_validation", body.at("/error/type").asText());
        assertEquals("Prompt outputs failed validation", body.at("/error/message").asText());
        assertEquals("{}", body.at("/error/extra_info").toString());
        JsonNode node = body.at("/node_errors/1");
        assertEquals("TestNumber", node.get("class_type").asText());
        assertEquals("[\"2\"]", node.get("dependent_outputs").toString());
        return node.at("/errors/0");
    }

    @Test
    void a_valid_prompt_answers_prompt_id_number_and_empty_node_errors() throws Exception {
        HttpResponse<String> r = post(numberPrompt("{\"value\":3}"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertTrue(PromptRoutes.isCanonicalUuid(body.get("prompt_id").asText()));
        assertTrue(body.get("number").isIntegralNumber());
        assertEquals("{}", body.get("node_errors").toString());
    }

    @Test
    void a_missing_prompt_is_no_prompt() throws Exception {
        HttpResponse<String> r = server.post("/prompt", "{\"client_id\":\"x\"}");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":{\"type\":\"no_prompt\",\"message\":\"No prompt provided\",\"details\":\"No prompt provided\","
                + "\"extra_info\":{}},\"node_errors\":{}}", r.body());
    }

    @Test
    void malformed_json_is_a_json_400_and_the_server_keeps_serving() throws Exception {
        HttpResponse<String> r = server.post("/prompt", "{not json");
        assertEquals(400, r.statusCode(), "upstream answers a 500 page; a client mistake is a 400 here");
        assertEquals("invalid_json", TestServer.json(r).at("/error/type").asText());
        assertTrue(TestServer.json(r).get("node_errors").isObject());
        assertEquals(200, post(numberPrompt("{\"value\":3}")).statusCode());
    }

    @Test
    void a_prompt_id_that_is_not_a_canonical_uuid_is_refused() throws Exception {
        HttpResponse<String> r = server.post("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":3}")
                + ",\"prompt_id\":\"6F0C2D8E-2A43-4B8E-9D55-3F5C0E1F2A77\"}");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_prompt_id", Json.MAPPER.readTree(r.body()).at("/error/type").asText());
        HttpResponse<String> ok = server.post("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":3}")
                + ",\"prompt_id\":\"6f0c2d8e-2a43-4b8e-9d55-3f5c0e1f2a77\"}");
        assertEquals("6f0c2d8e-2a43-4b8e-9d55-3f5c0e1f2a77", Json.MAPPER.readTree(ok.body()).get("prompt_id").asText());
    }

    @Test
    void an_unknown_class_is_missing_node_type_with_the_title() throws Exception {
        JsonNode body = rejected("{\"5\":{\"class_type\":\"NoSuchNode\",\"inputs\":{},\"_meta\":{\"title\":\"Mystery\"}}}");
        JsonNode e = body.get("error");
        assertEquals("missing_node_type", e.get("type").asText());
        assertEquals("Node 'Mystery' not found. The custom node may not be installed.", e.get("message").asText());
        assertEquals("Node ID '#5'", e.get("details").asText());
        assertEquals("{\"node_id\":\"5\",\"class_type\":\"NoSuchNode\",\"node_title\":\"Mystery\"}", e.get("extra_info").toString());
        assertEquals("{}", body.get("node_errors").toString());
    }

    @Test
    void a_node_without_class_type_is_missing_node_type_with_a_null_class() throws Exception {
        JsonNode e = rejected("{\"7\":{\"inputs\":{}}}").get("error");
        assertEquals("Node 'ID #7' has no class_type. The workflow may be corrupted or a custom node is missing.",
                e.get("message").asText());
        assertTrue(e.at("/extra_info/class_type").isNull());
    }

    @Test
    void a_prompt_without_output_nodes_is_prompt_no_outputs() throws Exception {
        JsonNode e = rejected("{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":1}}}").get("error");
        assertEquals("{\"type\":\"prompt_no_outputs\",\"message\":\"Prompt has no outputs\",\"details\":\"\",\"extra_info\":{}}",
                e.toString());
    }

    @Test
    void an_empty_partial_execution_target_list_has_no_outputs() throws Exception {
        HttpResponse<String> r = server.post("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":1}")
                + ",\"partial_execution_targets\":[]}");
        assertEquals("prompt_no_outputs", Json.MAPPER.readTree(r.body()).at("/error/type").asText());
    }

    @Test
    void partial_execution_targets_run_only_the_listed_outputs() throws Exception {
        String prompt = "{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":2}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}},"
                + "\"3\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
        JsonNode body = server.postJson("/prompt", "{\"prompt\":" + prompt + ",\"partial_execution_targets\":[\"3\"]}");
        JsonNode entry = server.awaitHistory(body.get("prompt_id").asText());
        assertEquals("[\"3\"]", entry.at("/prompt/4").toString());
        assertEquals("[\"3\"]", iterate(entry.get("outputs")));
    }

    @Test
    void a_missing_required_input_is_required_input_missing() throws Exception {
        JsonNode e = nodeOneError(numberPrompt("{}"));
        assertEquals("{\"type\":\"required_input_missing\",\"message\":\"Required input is missing\",\"details\":\"value\","
                + "\"extra_info\":{\"input_name\":\"value\"}}", e.toString());
        JsonNode body = rejected("{\"2\":{\"class_type\":\"TestSink\",\"inputs\":{}}}");
        assertEquals("Required input is missing: value", body.at("/error/details").asText());
    }

    @Test
    void a_value_below_min_is_value_smaller_than_min() throws Exception {
        JsonNode e = nodeOneError(numberPrompt("{\"value\":-1}"));
        assertEquals("value_smaller_than_min", e.get("type").asText());
        assertEquals("Value -1 smaller than min of 0", e.get("message").asText());
        assertEquals("value", e.get("details").asText());
        assertEquals(-1, e.at("/extra_info/received_value").asInt());
        assertEquals("[\"INT\",{\"default\":1,\"min\":0,\"max\":10}]", e.at("/extra_info/input_config").toString());
    }

    @Test
    void a_value_above_max_is_value_bigger_than_max_also_for_floats() throws Exception {
        assertEquals("Value 11 bigger than max of 10", nodeOneError(numberPrompt("{\"value\":11}")).get("message").asText());
        JsonNode e = nodeOneError(numberPrompt("{\"value\":1,\"scale\":1.5}"));
        assertEquals("value_bigger_than_max", e.get("type").asText());
        assertEquals("Value 1.5 bigger than max of 1.0", e.get("message").asText());
    }

    @Test
    void a_combo_value_outside_its_options_is_value_not_in_list() throws Exception {
        JsonNode e = nodeOneError(numberPrompt("{\"value\":1,\"mode\":\"c\"}"));
        assertEquals("value_not_in_list", e.get("type").asText());
        assertEquals("Value not in list", e.get("message").asText());
        assertEquals("mode: 'c' not in ['a', 'b']", e.get("details").asText());
        assertEquals("[[\"a\",\"b\"],{}]", e.at("/extra_info/input_config").toString());
    }

    @Test
    void a_value_that_cannot_be_converted_is_invalid_input_type() throws Exception {
        JsonNode e = nodeOneError(numberPrompt("{\"value\":\"seven\"}"));
        assertEquals("invalid_input_type", e.get("type").asText());
        assertEquals("Failed to convert an input value to a INT value", e.get("message").asText());
        assertEquals("value, seven, invalid literal for int() with base 10: 'seven'", e.get("details").asText());
        assertEquals("invalid literal for int() with base 10: 'seven'", e.at("/extra_info/exception_message").asText());
        assertEquals("could not convert string to float: 'x'",
                nodeOneError(numberPrompt("{\"value\":1,\"scale\":\"x\"}")).at("/extra_info/exception_message").asText());
    }

    @Test
    void constants_are_coerced_as_python_does_and_written_back_into_the_stored_prompt() throws Exception {
        String prompt = numberPrompt("{\"value\":\"7\",\"scale\":1,\"flag\":\"false\",\"label\":12.0,"
                + "\"seed\":18446744073709551615,\"mode\":{\"__value__\":\"b\"}}");
        JsonNode body = server.postJson("/prompt", "{\"prompt\":" + prompt + "}");
        JsonNode stored = server.awaitHistory(body.get("prompt_id").asText()).at("/prompt/2/1/inputs");
        assertEquals("{\"value\":7,\"scale\":1.0,\"flag\":true,\"label\":\"12.0\",\"seed\":18446744073709551615,\"mode\":\"b\"}",
                stored.toString());
        JsonNode truncated = server.postJson("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":5.9}") + "}");
        assertEquals("[\"5\"]", server.awaitHistory(truncated.get("prompt_id").asText()).at("/outputs/2/text").toString());
    }

    @Test
    void a_seed_above_the_unsigned_64_bit_range_is_too_big() throws Exception {
        JsonNode e = nodeOneError(numberPrompt("{\"value\":1,\"seed\":18446744073709551616}"));
        assertEquals("Value 18446744073709551616 bigger than max of 18446744073709551615", e.get("message").asText());
    }

    @Test
    void a_link_of_the_wrong_type_is_return_type_mismatch() throws Exception {
        String prompt = "{\"1\":{\"class_type\":\"EmptyImage\",\"inputs\":{\"width\":8,\"height\":8,\"batch_size\":1,\"color\":0}},"
                + "\"2\":{\"class_type\":\"TestFail\",\"inputs\":{\"value\":[\"1\",0]}}}";
        JsonNode body = rejected(prompt);
        JsonNode e = body.at("/node_errors/2/errors/0");
        assertEquals("return_type_mismatch", e.get("type").asText());
        assertEquals("Return type mismatch between linked nodes", e.get("message").asText());
        assertEquals("value, received_type(IMAGE) mismatch input_type(INT)", e.get("details").asText());
        assertEquals("IMAGE", e.at("/extra_info/received_type").asText());
        assertEquals("[\"1\",0]", e.at("/extra_info/linked_node").toString());
    }

    @Test
    void a_link_that_is_not_a_pair_is_bad_linked_input() throws Exception {
        JsonNode body = rejected("{\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0,5]}}}");
        JsonNode e = body.at("/node_errors/2/errors/0");
        assertEquals("bad_linked_input", e.get("type").asText());
        assertEquals("[\"1\",0,5]", e.at("/extra_info/received_value").toString());
    }

    @Test
    void a_link_to_a_missing_node_fails_its_holder_as_an_exception_during_validation() throws Exception {
        JsonNode e = rejected("{\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"99\",0]}}}").at("/node_errors/2/errors/0");
        assertEquals("exception_during_validation", e.get("type").asText());
        assertEquals("'99'", e.get("details").asText());
        assertEquals("KeyError", e.at("/extra_info/exception_type").asText());
        String deeper = "{\"1\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":[\"99\",0],\"sleep_ms\":0}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
        JsonNode inner = rejected(deeper).at("/node_errors/1/errors/0");
        assertEquals("exception_during_inner_validation", inner.get("type").asText());
        assertEquals("value", inner.at("/extra_info/input_name").asText(), "the consumer's input that holds the link");
    }

    @Test
    void a_cycle_is_reported_on_every_node_in_it() throws Exception {
        String prompt = "{\"1\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":[\"3\",0],\"sleep_ms\":0}},"
                + "\"3\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":[\"1\",0],\"sleep_ms\":0}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
        JsonNode body = rejected(prompt);
        for (String id : new String[] {"1", "3"}) {
            JsonNode e = body.at("/node_errors/" + id + "/errors/0");
            assertEquals("dependency_cycle", e.get("type").asText());
            assertEquals("1 (TestSteps) -> 3 (TestSteps) -> 1 (TestSteps)", e.get("details").asText());
            assertEquals("[\"1\",\"3\"]", e.at("/extra_info/cycle_nodes").toString());
        }
        assertTrue(body.at("/node_errors/2").isMissingNode(), "the output itself has no error of its own");
    }

    @Test
    void a_custom_validator_failure_is_custom_validation_failed() throws Exception {
        JsonNode e = rejected("{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"nope.png\"}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}").at("/node_errors/1/errors/0");
        assertEquals("custom_validation_failed", e.get("type").asText());
        assertEquals("image - Invalid image file: nope.png", e.get("details").asText());
    }

    @Test
    void a_good_output_still_runs_when_another_output_fails_validation() throws Exception {
        String prompt = "{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":99}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}},"
                + "\"3\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":6}},"
                + "\"4\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"3\",0]}}}";
        HttpResponse<String> r = post(prompt);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertEquals("value_bigger_than_max", body.at("/node_errors/1/errors/0/type").asText());
        assertEquals("[\"2\"]", body.at("/node_errors/1/dependent_outputs").toString());
        JsonNode entry = server.awaitHistory(body.get("prompt_id").asText());
        assertEquals("[\"4\"]", entry.at("/prompt/4").toString());
        assertEquals("[\"6\"]", entry.at("/outputs/4/text").toString());
    }

    @Test
    void number_and_front_set_the_priority() throws Exception {
        JsonNode explicit = server.postJson("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":1}") + ",\"number\":12}");
        assertEquals("12.0", explicit.get("number").toString());
        JsonNode counted = server.postJson("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":1}") + "}");
        JsonNode front = server.postJson("/prompt", "{\"prompt\":" + numberPrompt("{\"value\":1}") + ",\"front\":true}");
        assertEquals(-(counted.get("number").asLong() + 1), front.get("number").asLong());
    }

    private static String iterate(JsonNode object) {
        StringBuilder b = new StringBuilder("[");
        object.fieldNames().forEachRemaining(n -> b.append(b.length() > 1 ? "," : "").append('"').append(n).append('"'));
        return b.append(']').toString();
    }
}
