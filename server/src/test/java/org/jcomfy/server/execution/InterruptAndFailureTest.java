package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;

/** Interrupting a running node, and a node that throws (§6.9): the server keeps serving. */
class InterruptAndFailureTest {
    static TestServer server;

    static final String SLOW = "{\"1\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":100000,\"sleep_ms\":%d}},"
            + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    @Test
    void interrupt_stops_a_node_in_the_middle_of_its_steps() throws Exception {
        try (TestWebSocket ws = server.connect("int-client")) {
            ws.awaitType("status");
            String id = server.submit(SLOW.formatted(2), "int-client");
            JsonNode progress = ws.awaitType("progress").get("data");
            assertEquals("1", progress.get("node").asText());
            assertEquals(100000, progress.get("max").asInt());
            assertEquals(id, progress.get("prompt_id").asText());
            assertEquals(200, server.post("/interrupt", "").statusCode());
            List<JsonNode> rest = ws.untilDone(id);
            JsonNode interrupted = TestWebSocket.ofType(rest, "execution_interrupted").getFirst();
            assertEquals(id, interrupted.get("prompt_id").asText());
            assertEquals("1", interrupted.get("node_id").asText());
            assertEquals("TestSteps", interrupted.get("node_type").asText());
            assertTrue(interrupted.get("executed").isArray());
            assertTrue(interrupted.get("timestamp").isNumber());
            JsonNode entry = server.awaitHistory(id);
            assertEquals("error", entry.at("/status/status_str").asText());
            assertEquals(false, entry.at("/status/completed").asBoolean());
            assertEquals("cancelled", server.getJson("/api/jobs/" + id).get("status").asText());
        }
    }

    @Test
    void interrupt_naming_another_prompt_does_not_stop_the_running_one() throws Exception {
        try (TestWebSocket ws = server.connect("int-client2")) {
            ws.awaitType("status");
            String id = server.submit(SLOW.formatted(1).replace("100000", "300"), "int-client2");
            ws.awaitType("progress");
            server.post("/api/interrupt", "{\"prompt_id\":\"00000000-0000-4000-8000-000000000000\"}");
            List<JsonNode> rest = ws.untilDone(id);
            assertTrue(TestWebSocket.types(rest).contains("execution_success"), TestWebSocket.types(rest).toString());
        }
    }

    @Test
    void interrupt_by_prompt_id_and_job_cancel_stop_the_running_prompt() throws Exception {
        try (TestWebSocket ws = server.connect("int-client3")) {
            ws.awaitType("status");
            String id = server.submit(SLOW.formatted(3), "int-client3");
            ws.awaitType("progress");
            server.post("/interrupt", "{\"prompt_id\":\"" + id + "\"}");
            assertTrue(TestWebSocket.types(ws.untilDone(id)).contains("execution_interrupted"));

            String second = server.submit(SLOW.formatted(4), "int-client3");
            ws.awaitType("progress");
            assertEquals("{\"cancelled\":true}", server.post("/api/jobs/" + second + "/cancel", "").body());
            assertTrue(TestWebSocket.types(ws.untilDone(second)).contains("execution_interrupted"));
            assertEquals("{\"cancelled\":false}", server.post("/api/jobs/" + second + "/cancel", "").body());
        }
    }

    @Test
    void an_interrupt_while_idle_does_not_affect_the_next_prompt() throws Exception {
        server.post("/interrupt", "{}");
        String id = server.submit(PromptValidationTest.numberPrompt("{\"value\":8}"), null);
        assertEquals("success", server.awaitHistory(id).at("/status/status_str").asText());
    }

    @Test
    void a_node_that_throws_reports_execution_error_and_the_server_keeps_serving() throws Exception {
        try (TestWebSocket ws = server.connect("fail-client")) {
            ws.awaitType("status");
            String prompt = "{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":3}},"
                    + "\"2\":{\"class_type\":\"TestFail\",\"inputs\":{\"value\":[\"1\",0]}}}";
            String id = server.submit(prompt, "fail-client");
            List<JsonNode> messages = ws.untilDone(id);
            JsonNode error = TestWebSocket.ofType(messages, "execution_error").getFirst();
            assertEquals(id, error.get("prompt_id").asText());
            assertEquals("2", error.get("node_id").asText());
            assertEquals("TestFail", error.get("node_type").asText());
            assertEquals("the test node failed on purpose", error.get("exception_message").asText());
            assertEquals("java.lang.IllegalStateException", error.get("exception_type").asText());
            assertTrue(error.get("traceback").isArray() && !error.get("traceback").isEmpty());
            assertEquals("{\"value\":[3]}", error.get("current_inputs").toString());
            assertEquals("[\"1\"]", error.get("executed").toString());
            assertTrue(error.get("current_outputs").isArray());
            assertTrue(error.get("timestamp").isNumber());
            JsonNode job = server.getJson("/api/jobs/" + id);
            assertEquals("failed", job.get("status").asText());
            assertEquals("the test node failed on purpose", job.at("/execution_error/exception_message").asText());

            String next = server.submit(PromptValidationTest.numberPrompt("{\"value\":9}"), "fail-client");
            assertTrue(TestWebSocket.types(ws.untilDone(next)).contains("execution_success"));
        }
    }
}
