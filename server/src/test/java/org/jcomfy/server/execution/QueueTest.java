package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;

/** The priority queue behind GET/POST /queue and the queue {@code status} broadcasts (§7.1–7.2). */
class QueueTest {
    /** A prompt that keeps the executor busy until interrupted. */
    static final String BLOCKER = "{\"1\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":100000,\"sleep_ms\":5}},"
            + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";

    static String numbered(int value) { return PromptValidationTest.numberPrompt("{\"value\":" + value + "}"); }

    @Test
    void pending_prompts_run_by_number_with_front_first() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("q")) {
            ws.awaitType("status");
            String blocker = server.submit(BLOCKER, "q");
            ws.awaitType("progress");
            List<String> ids = new ArrayList<>();
            ids.add(server.submit(numbered(1), "q"));
            ids.add(server.submit(numbered(2), "q"));
            ids.add(server.postJson("/prompt", "{\"prompt\":" + numbered(3) + ",\"client_id\":\"q\",\"front\":true}")
                    .get("prompt_id").asText());
            ids.add(server.postJson("/prompt", "{\"prompt\":" + numbered(4) + ",\"client_id\":\"q\",\"number\":-100}")
                    .get("prompt_id").asText());

            JsonNode queue = server.getJson("/queue");
            assertEquals(blocker, queue.at("/queue_running/0/1").asText());
            assertEquals(5, queue.at("/queue_running/0").size());
            assertEquals(4, queue.get("queue_pending").size());
            assertEquals(5, server.getJson("/prompt").at("/exec_info/queue_remaining").asInt());

            server.post("/interrupt", "");
            List<String> order = new ArrayList<>();
            while (order.size() < 4) { // the blocker's own start was read before the progress event
                JsonNode start = ws.awaitType("execution_start");
                order.add(start.at("/data/prompt_id").asText());
            }
            assertEquals(List.of(ids.get(3), ids.get(2), ids.get(0), ids.get(1)), order);
        }
    }

    @Test
    void post_queue_deletes_and_clears_pending_items_only() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("q2")) {
            ws.awaitType("status");
            String blocker = server.submit(BLOCKER, "q2");
            ws.awaitType("progress");
            String a = server.submit(numbered(1), "q2");
            String b = server.submit(numbered(2), "q2");
            server.submit(numbered(3), "q2");
            JsonNode status = ws.await(m -> m.path("type").asText().equals("status")
                    && m.at("/data/status/exec_info/queue_remaining").asInt() == 4);
            assertTrue(status.at("/data/sid").isMissingNode(), "broadcast status carries no sid");

            assertEquals(200, server.post("/queue", "{\"delete\":[\"" + a + "\"]}").statusCode());
            JsonNode pending = server.getJson("/queue").get("queue_pending");
            assertEquals(2, pending.size());
            assertTrue(pending.toString().contains(b) && !pending.toString().contains(a));

            assertEquals(200, server.post("/api/queue", "{\"clear\":true}").statusCode());
            JsonNode queue = server.getJson("/queue");
            assertEquals(0, queue.get("queue_pending").size());
            assertEquals(blocker, queue.at("/queue_running/0/1").asText(), "the running prompt is untouched");
            ws.await(m -> m.path("type").asText().equals("status") && m.at("/data/status/exec_info/queue_remaining").asInt() == 1);
            server.post("/interrupt", "");
            ws.untilDone(blocker);
        }
    }

    @Test
    void cancelling_a_pending_job_dequeues_it_without_interrupting_the_running_one() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("q3")) {
            ws.awaitType("status");
            String blocker = server.submit(BLOCKER, "q3");
            ws.awaitType("progress");
            String a = server.submit(numbered(1), "q3");
            String b = server.submit(numbered(2), "q3");
            assertEquals("pending", server.getJson("/api/jobs/" + a).get("status").asText());
            assertEquals("in_progress", server.getJson("/api/jobs/" + blocker).get("status").asText());
            assertEquals(2, server.getJson("/api/jobs?status=pending").get("jobs").size());
            assertEquals("{\"cancelled\":true}", server.post("/api/jobs/" + a + "/cancel", "").body());
            assertEquals("{\"cancelled\":true}", server.post("/api/jobs/cancel", "{\"job_ids\":[\"" + b + "\"]}").body());
            assertEquals(0, server.getJson("/queue").get("queue_pending").size());
            assertEquals(blocker, server.getJson("/queue").at("/queue_running/0/1").asText());
            assertEquals(1, server.getJson("/api/jobs?status=in_progress").get("jobs").size());
            server.post("/interrupt", "");
            ws.untilDone(blocker);
        }
    }

    @Test
    void an_interrupt_of_a_prompt_without_client_is_broadcast() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("watcher")) {
            ws.awaitType("status");
            String id = server.submit(BLOCKER, null);
            ws.awaitType("progress");
            server.post("/interrupt", "");
            assertEquals(id, ws.awaitType("execution_interrupted").at("/data/prompt_id").asText());
        }
    }

    @Test
    void sensitive_extra_data_is_never_shown() throws Exception {
        try (TestServer server = TestServer.start()) {
            String id = server.postJson("/prompt", "{\"prompt\":" + numbered(1)
                    + ",\"extra_data\":{\"api_key_comfy_org\":\"secret\",\"auth_token_comfy_org\":\"secret\"}}").get("prompt_id").asText();
            JsonNode entry = server.awaitHistory(id);
            assertTrue(!entry.toString().contains("secret"));
            assertTrue(!server.getJson("/api/jobs/" + id).toString().contains("secret"));
        }
    }
}
