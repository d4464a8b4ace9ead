package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;

/** Binary preview frames: type 1 for legacy clients, type 4 with metadata after the handshake (§4.3). */
class PreviewFramesTest {
    static final String PROMPT = "{\"1\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":2,\"sleep_ms\":%d}},"
            + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";

    @Test
    void a_client_without_feature_flags_gets_type_1_jpeg_frames() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("legacy")) {
            ws.awaitType("status");
            ws.untilDone(server.submit(PROMPT.formatted(0), "legacy"));
            byte[] frame = ws.binary.poll(10, TimeUnit.SECONDS);
            ByteBuffer b = ByteBuffer.wrap(frame);
            assertEquals(1, b.getInt());
            assertEquals(1, b.getInt(), "JPEG");
            assertEquals((byte) 0xFF, frame[8]);
            assertEquals((byte) 0xD8, frame[9]);
        }
    }

    @Test
    void a_client_that_negotiated_preview_metadata_gets_type_4_frames_only() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("modern")) {
            ws.awaitType("status");
            ws.send("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
            ws.awaitType("feature_flags");
            String id = server.submit(PROMPT.formatted(1), "modern");
            ws.untilDone(id);
            byte[] frame = ws.binary.poll(10, TimeUnit.SECONDS);
            ByteBuffer b = ByteBuffer.wrap(frame);
            assertEquals(4, b.getInt());
            int length = b.getInt();
            JsonNode meta = Json.MAPPER.readTree(new String(frame, 8, length, StandardCharsets.UTF_8));
            assertEquals("1", meta.get("node_id").asText());
            assertEquals(id, meta.get("prompt_id").asText());
            assertEquals("1", meta.get("display_node_id").asText());
            assertTrue(meta.get("parent_node_id").isNull());
            assertEquals("image/jpeg", meta.get("image_type").asText());
            assertEquals((byte) 0xFF, frame[8 + length]);
            assertEquals(0, ws.binary.size(), "one frame, never both layouts");
        }
    }
}
