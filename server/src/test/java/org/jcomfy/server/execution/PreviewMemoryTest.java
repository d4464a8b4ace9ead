package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jcomfy.server.TestWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Previews to clients that cannot keep up: a real server process sends about 100 MB of preview
 * frames while one client reads slowly and another reads nothing. The server must not queue them
 * all for those clients: its resident memory stays near where it started, the slow client still
 * gets every JSON event, and the server still answers.
 */
class PreviewMemoryTest {
    /** About 0.4 MB per frame at the 512 preview size (noise): 250 frames are about 100 MB. */
    private static final String PREVIEWS = "{\"1\":{\"class_type\":\"TestPreviews\",\"inputs\":{\"count\":%d,\"size\":512}},"
            + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
    /**
     * Measured on 2 cores: the server now grows by 0 to 16 MiB (the bounded per-client queues, and
     * the collection at idle that returns the heap the JPEG encoding's garbage grew); with only the
     * bounded queues by about 125 MiB; the old one, which queued every frame for the stalled and
     * the slow client, by about 280 MiB and more.
     */
    private static final long ALLOWED_GROWTH_KIB = 80 * 1024;

    @TempDir Path base;

    @Test
    void previews_to_slow_and_stalled_clients_leave_resident_memory_near_its_baseline() throws Exception {
        try (ServerProcess server = ServerProcess.start(base, List.of())) {
            // Warm up the preview path (JPEG writer, WebSocket classes) before taking the baseline.
            try (var warm = server.connect("warm")) {
                server.awaitHistory(server.submit(PREVIEWS.formatted(3)));
            }
            Thread.sleep(500);
            long baseline = server.residentKib();

            try (TestWebSocket slow = server.connectReadingBinarySlowly("slow", 100);
                 TestWebSocket stalled = server.connectReadingBinarySlowly("stalled", -1)) {
                String id = server.submit(PREVIEWS.formatted(250)); // no client_id: previews go to everyone
                assertEquals("success", server.awaitHistory(id).at("/status/status_str").asText(), server.log());
                untilIdleAfter(slow, id, 250); // every JSON event arrives: only previews may be dropped
                Thread.sleep(1000); // let the collector and the writes settle
                long after = server.residentKib();
                System.out.printf("PreviewMemoryTest: RSS baseline %d MiB, after %d MiB, slow client got %d MB of previews%n",
                        baseline / 1024, after / 1024, slow.binaryBytes.get() / 1_000_000);
                assertTrue(after - baseline < ALLOWED_GROWTH_KIB, "resident memory grew from " + baseline / 1024
                        + " MiB to " + after / 1024 + " MiB with a stalled client connected");
            }
            assertEquals(200, server.get("/queue").statusCode(), "the server still answers");
            assertEquals("success", server.awaitHistory(server.submit(PREVIEWS.formatted(1))).at("/status/status_str").asText());
        }
    }

    /**
     * The types of the messages up to the idle {@code status} broadcast after the last
     * {@code progress} of the prompt (a prompt without a client gets no lifecycle events).
     */
    private static List<String> untilIdleAfter(TestWebSocket client, String promptId, int progressEvents)
            throws InterruptedException {
        List<String> seen = new java.util.ArrayList<>();
        int progress = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode m = client.messages.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) continue;
            String type = m.path("type").asText();
            seen.add(type);
            if (type.equals("progress") && m.at("/data/prompt_id").asText().equals(promptId)) progress++;
            if (progress == progressEvents && type.equals("status")
                    && m.at("/data/status/exec_info/queue_remaining").asInt(-1) == 0) return seen;
        }
        throw new AssertionError("prompt " + promptId + " did not finish for this client; saw " + seen);
    }
}
