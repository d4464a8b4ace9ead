package org.jcomfy.server.execution;

import org.jcomfy.server.TestServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Links are checked wherever they are (issue 8): an undeclared input's link is followed by
 * execution, so a missing source or a bad slot is refused at validation, and slots are read
 * exactly against the producer's declared outputs, with Python's tuple-indexing errors.
 */
class LinkValidationTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    static JsonNode rejected(String prompt) throws Exception {
        JsonNode body = server.refused(prompt);
        assertEquals("prompt_outputs_failed_validation", body.at("/error/type").asText());
        return body;
    }

    static final String IMAGE = "\"1\":{\"class_type\":\"EmptyImage\",\"inputs\":{\"width\":8,\"height\":8,\"batch_size\":1,\"color\":0%s}}";

    @Test
    void an_undeclared_input_linking_to_a_missing_node_is_refused_on_its_holder() throws Exception {
        String prompt = "{" + IMAGE.formatted(",\"model\":[\"999\",0]")
                + ",\"2\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"1\",0]}}}";
        JsonNode body = rejected(prompt);
        JsonNode e = body.at("/node_errors/1/errors/0");
        assertEquals("exception_during_inner_validation", e.get("type").asText());
        assertEquals("'999'", e.get("details").asText());
        assertEquals("KeyError", e.at("/extra_info/exception_type").asText());
        assertEquals("images", e.at("/extra_info/input_name").asText(), "the consumer's input that holds the link");
        assertEquals("EmptyImage", body.at("/node_errors/1/class_type").asText());

        JsonNode own = rejected("{\"2\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"2\",0],\"x\":[\"999\",0]}}}")
                .at("/node_errors/2/errors/0");
        assertEquals("exception_during_validation", own.get("type").asText(), "the output itself holds the bad link");
        assertEquals("'999'", own.get("details").asText());
    }

    @Test
    void an_undeclared_link_to_a_real_node_runs_that_node_first() throws Exception {
        String prompt = "{\"a\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":4}},"
                + "\"out\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"a\",0],\"extra\":[\"a\",0]}}}";
        JsonNode entry = server.awaitHistory(server.submit(prompt, null));
        assertEquals("success", entry.at("/status/status_str").asText(), () -> entry.at("/status").toString());
    }

    @ParameterizedTest(name = "slot {0}")
    @CsvSource(delimiter = '|', value = {
            "-1                   | IndexError | tuple index out of range",
            "1                    | IndexError | tuple index out of range",
            "4294967296           | IndexError | tuple index out of range",
            "9223372036854775808  | IndexError | cannot fit 'int' into an index-sized integer",
            "0.5                  | TypeError  | tuple indices must be integers or slices, not float",
            "0.0                  | TypeError  | tuple indices must be integers or slices, not float",
            "'\"0\"'              | TypeError  | tuple indices must be integers or slices, not str"})
    void a_slot_outside_the_producers_outputs_is_refused(String slot, String type, String message) throws Exception {
        // EmptyImage has one output: only slot 0 exists.
        String prompt = "{" + IMAGE.formatted("") + ",\"2\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"1\"," + slot + "]}}}";
        JsonNode e = rejected(prompt).at("/node_errors/2/errors/0");
        assertEquals("exception_during_validation", e.get("type").asText());
        assertEquals(message, e.get("details").asText());
        assertEquals(type, e.at("/extra_info/exception_type").asText());

        String deeper = "{" + IMAGE.formatted("") + ",\"2\":{\"class_type\":\"ImageInvert\",\"inputs\":{\"image\":[\"1\"," + slot + "]}},"
                + "\"3\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"2\",0]}}}";
        JsonNode inner = rejected(deeper).at("/node_errors/2/errors/0");
        assertEquals("exception_during_inner_validation", inner.get("type").asText());
        assertEquals(message, inner.get("details").asText());
    }

    @Test
    void a_bad_slot_on_an_undeclared_link_is_refused_too() throws Exception {
        String prompt = "{\"a\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":4}},"
                + "\"out\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"a\",0],\"extra\":[\"a\",-1]}}}";
        JsonNode e = rejected(prompt).at("/node_errors/out/errors/0");
        assertEquals("exception_during_validation", e.get("type").asText());
        assertEquals("tuple index out of range", e.get("details").asText());
    }

    @Test
    void the_server_still_runs_prompts_after_the_refusals() throws Exception {
        String prompt = "{" + IMAGE.formatted("") + ",\"2\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"1\",0]}}}";
        JsonNode entry = server.awaitHistory(server.submit(prompt, null));
        assertEquals("success", entry.at("/status/status_str").asText());
        assertTrue(entry.at("/outputs/2/images/0/filename").asText().endsWith(".png"));
    }
}
