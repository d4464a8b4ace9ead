package org.jcomfy.server.execution;

import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.TestNodes;
import org.jcomfy.server.TestServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A prompt that fails outside any node (issue 8: it ended with an empty history message and no
 * event) reaches the client as {@code execution_error} and the history with the message, with no
 * node to blame, and the executor goes on to the next prompt.
 */
class FailureOutsideNodesTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.SchemaFault.BROKEN = false;
        server.close();
    }

    @Test
    void a_failure_outside_any_node_is_an_execution_error_in_the_events_and_the_history() throws Exception {
        try (TestWebSocket ws = server.connect("outside-client")) {
            ws.awaitType("status");
            CountDownLatch gate = new CountDownLatch(1);
            TestNodes.Gate.GATE = gate;
            String held = server.submit("{\"g\":{\"class_type\":\"TestGate\",\"inputs\":{}}}", "outside-client");
            // Validated while its schema is readable; run (behind the gate) once it no longer is.
            String id = server.submit("{\"f\":{\"class_type\":\"TestSchemaFault\",\"inputs\":{}}}", "outside-client");
            TestNodes.SchemaFault.BROKEN = true;
            List<JsonNode> events;
            try {
                gate.countDown();
                ws.untilDone(held);
                events = ws.untilDone(id);
            } finally {
                TestNodes.SchemaFault.BROKEN = false;
            }
            List<JsonNode> errors = TestWebSocket.ofType(events, "execution_error");
            assertEquals(1, errors.size(), () -> TestWebSocket.types(events).toString());
            JsonNode error = errors.getFirst();
            assertEquals(id, error.get("prompt_id").asText());
            assertTrue(error.get("node_id").isNull(), "no node to blame");
            assertTrue(error.get("node_type").isNull());
            assertEquals("java.lang.IllegalStateException", error.get("exception_type").asText());
            assertEquals("Prompt failed outside any node: java.lang.IllegalStateException: the test broke this schema on purpose",
                    error.get("exception_message").asText());
            assertTrue(error.get("traceback").size() > 0);
            assertTrue(error.get("timestamp").isNumber());

            JsonNode status = server.awaitHistory(id).get("status");
            assertEquals("error", status.get("status_str").asText());
            JsonNode last = status.get("messages").get(status.get("messages").size() - 1);
            assertEquals("execution_error", last.get(0).asText());
            assertEquals(error.get("exception_message"), last.get(1).get("exception_message"));

            String next = server.submit("{\"f\":{\"class_type\":\"TestSchemaFault\",\"inputs\":{}}}", null);
            assertEquals("success", server.awaitHistory(next).at("/status/status_str").asText());
        }
    }
}
