package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.server.JcomfyServer;
import org.jcomfy.server.ServerOptions;
import org.jcomfy.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost on restart: the queue and history live in the SQLite file of {@code --history-db}.
 * The main test kills a real server process with SIGKILL mid-prompt and starts another on the
 * same folder.
 */
class RestartTest {
    @TempDir Path base;

    @Test
    void a_killed_server_resumes_its_pending_prompts_and_marks_the_running_one_interrupted() throws Exception {
        String finished, blocker;
        List<String> pending = new ArrayList<>();
        try (ServerProcess first = ServerProcess.start(base, List.of())) {
            finished = first.submit(QueueTest.numbered(1));
            assertEquals("success", first.awaitHistory(finished).at("/status/status_str").asText());
            blocker = first.submit(QueueTest.BLOCKER); // runs until interrupted
            first.awaitRunning(blocker);
            pending.add(first.submit(QueueTest.numbered(2)));
            pending.add(first.submit(QueueTest.numbered(3)));
            assertEquals(2, first.getJson("/queue").get("queue_pending").size());
            first.kill();
        }
        assertTrue(Files.isRegularFile(base.resolve("user/jcomfy-history.db")), "the database is in the user directory");

        try (ServerProcess second = ServerProcess.start(base, List.of())) {
            for (String id : pending) {
                assertEquals("success", second.awaitHistory(id).at("/status/status_str").asText(), second.log());
            }
            JsonNode interrupted = second.awaitHistory(blocker);
            assertEquals("error", interrupted.at("/status/status_str").asText());
            assertEquals("execution_interrupted", interrupted.at("/status/messages/0/0").asText());
            assertEquals(QueueRecovery.REASON, interrupted.at("/status/messages/0/1/reason").asText());
            assertEquals("cancelled", second.getJson("/api/jobs/" + blocker).get("status").asText());

            JsonNode before = second.getJson("/history/" + finished).get(finished);
            assertEquals("success", before.at("/status/status_str").asText(), "history from before the kill is served");
            assertEquals("[\"1\"]", before.at("/outputs/2/text").toString());
            JsonNode jobs = second.getJson("/api/jobs?status=completed");
            List<String> completed = new ArrayList<>();
            jobs.get("jobs").forEach(j -> completed.add(j.get("id").asText()));
            assertTrue(completed.containsAll(List.of(finished, pending.get(0), pending.get(1))), jobs.toString());
            assertEquals(4, second.getJson("/api/jobs").at("/pagination/total").asInt());

            // Re-queue: POST /prompt of the interrupted entry's prompt, under its id, runs it again.
            JsonNode again = second.postJson("/prompt", "{\"prompt\":" + interrupted.at("/prompt/2")
                    + ",\"prompt_id\":\"" + blocker + "\"}");
            assertEquals(blocker, again.get("prompt_id").asText());
            assertTrue(again.get("number").asInt() > 3, "new prompts are numbered after the resumed ones: " + again);
            second.awaitRunning(blocker);
            assertEquals("{\"cancelled\":true}", second.post("/api/jobs/" + blocker + "/cancel", "").body());
            long deadline = System.nanoTime() + 60_000_000_000L;
            JsonNode rerun;
            do {
                Thread.sleep(20);
                rerun = second.getJson("/history/" + blocker).get(blocker);
            } while (rerun.at("/status/messages/0/1/reason").isTextual() && System.nanoTime() < deadline);
            JsonNode messages = rerun.at("/status/messages");
            JsonNode last = messages.get(messages.size() - 1);
            assertEquals("execution_interrupted", last.get(0).asText(), "the new run replaced the entry: " + rerun);
            assertEquals("1", last.at("/1/node_id").asText(), "the new run was stopped in its node: " + rerun);
        }
    }

    @Test
    void a_stopped_server_keeps_its_history_and_queue_and_a_second_server_cannot_share_the_file() throws Exception {
        ServerOptions options = ServerOptions.defaults(base, 0);
        String id;
        try (TestServer server = TestServer.startIn(base)) {
            id = server.submit(QueueTest.numbered(4), null);
            server.awaitHistory(id);
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> JcomfyServer.start(options, NodeRegistry.load(), List.of("jcomfy", "serve")));
            assertTrue(refused.getMessage().contains("in use by another jcomfy server"), refused.getMessage());
            assertEquals(200, server.post("/history", "{\"delete\":[\"nope\"]}").statusCode());
        }
        try (TestServer server = TestServer.startIn(base)) {
            assertTrue(server.getJson("/history").has(id), "a clean stop keeps the history");
            assertEquals(200, server.post("/history", "{\"delete\":[\"" + id + "\"]}").statusCode());
        }
        try (TestServer server = TestServer.startIn(base)) {
            assertFalse(server.getJson("/history").has(id), "a deleted entry stays deleted");
        }
    }

    @Test
    void without_the_database_nothing_is_written_and_nothing_survives() throws Exception {
        String id;
        try (TestServer server = TestServer.startIn(base, "--no-history-db")) {
            id = server.submit(QueueTest.numbered(5), null);
            server.awaitHistory(id);
            assertTrue(server.getJson("/history").has(id));
        }
        assertFalse(Files.exists(base.resolve("user/jcomfy-history.db")));
        try (TestServer server = TestServer.startIn(base, "--no-history-db")) {
            assertEquals("{}", server.getJson("/history").toString());
        }
    }
}
