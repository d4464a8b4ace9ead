package org.jcomfy.server.execution;

import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.TestServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graphs far deeper than any workflow (issue 8: a 5,000-node chain overflowed the validator's stack):
 * validation, cache keys and execution ordering walk them without recursion, and each node of a
 * long cycle is reported, with the cycle shortened so the answer stays linear in size.
 */
class DeepGraphTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    /**
     * EmptyImage "0", then {@code length} ImageInverts "1".."length" each fed by the one before, and
     * the output "out" (TestSink) on the last; {@code firstInput} is what node "1" reads.
     */
    static String chain(int length, String firstInput) {
        // The colour differs per length, so no chain is served from the cache of another.
        StringBuilder b = new StringBuilder("{\"0\":{\"class_type\":\"EmptyImage\",\"inputs\":{\"width\":1,\"height\":1,"
                + "\"batch_size\":1,\"color\":" + length + "}}");
        for (int i = 1; i <= length; i++) {
            String from = i == 1 ? firstInput : "[\"" + (i - 1) + "\",0]";
            b.append(",\"").append(i).append("\":{\"class_type\":\"ImageInvert\",\"inputs\":{\"image\":").append(from).append("}}");
        }
        b.append(",\"out\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"").append(length).append("\",0]}}}");
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {5_000, 20_000})
    void a_long_chain_validates_and_runs_to_its_output(int length) throws Exception {
        String id = server.submit(chain(length, "[\"0\",0]"), null);
        JsonNode entry = server.awaitHistory(id);
        assertEquals("success", entry.at("/status/status_str").asText(), () -> entry.at("/status").toString());
        assertEquals(1, entry.at("/outputs/out/text").size(), "the output ran on the last invert's image");
        assertEquals(length + 2, entry.at("/prompt/2").size(), "the stored prompt keeps every node");
    }

    @Test
    void a_bad_value_at_the_bottom_of_a_long_chain_is_reported_on_that_node_only() throws Exception {
        String prompt = chain(5_000, "[\"0\",0]").replace("\"width\":1,", "\"width\":0,");
        JsonNode body = server.refused(prompt);
        assertEquals("prompt_outputs_failed_validation", body.at("/error/type").asText());
        assertEquals(1, body.get("node_errors").size(), "nodes below a bad node are invalid but not listed");
        assertEquals("value_smaller_than_min", body.at("/node_errors/0/errors/0/type").asText());
        assertEquals("[\"out\"]", body.at("/node_errors/0/dependent_outputs").toString());
    }

    @Test
    void every_node_of_a_long_cycle_gets_dependency_cycle_with_the_path_shortened() throws Exception {
        int length = 5_000;
        // Node "1" reads the last invert instead of the EmptyImage: 1 -> 5000 -> 4999 -> ... -> 2 -> 1.
        String prompt = chain(length, "[\"" + length + "\",0]");
        JsonNode nodeErrors = server.refused(prompt).get("node_errors");
        assertEquals(length, nodeErrors.size(), "every node in the cycle, and only those");
        JsonNode error = nodeErrors.at("/1/errors/0");
        assertEquals("dependency_cycle", error.get("type").asText());
        assertEquals(length, error.at("/extra_info/cycle_length").asInt());
        assertEquals(NodeInputsValidator.CYCLE_SHOWN, error.at("/extra_info/cycle_nodes").size());
        String details = error.get("details").asText();
        assertTrue(details.startsWith(length + " (ImageInvert) -> " + (length - 1) + " (ImageInvert) -> "), details);
        assertTrue(details.endsWith(" -> ... (" + (length - NodeInputsValidator.CYCLE_SHOWN) + " more) -> "
                + length + " (ImageInvert)"), details);
        assertEquals("2", nodeErrors.at("/2/errors/0/extra_info/node_id").asText());
    }

    @Test
    void ready_nodes_run_in_comfyuis_staging_order() throws Exception {
        // ComfyUI stages a node's sources with a stack, so the source of its last input is staged
        // (and, being as ready as the first, runs) first. The undeclared input is a link all the same.
        String prompt = "{\"a\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":1}},"
                + "\"b\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":2}},"
                + "\"out\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"a\",0],\"extra\":[\"b\",0]}}}";
        try (TestWebSocket ws = server.connect("order-client")) {
            ws.awaitType("status");
            String id = server.submit(prompt, "order-client");
            List<String> order = TestWebSocket.ofType(ws.untilDone(id), "executing").stream()
                    .filter(d -> !d.get("node").isNull()).map(d -> d.get("node").asText()).toList();
            assertEquals(List.of("b", "a", "out"), order);
        }
    }
}
