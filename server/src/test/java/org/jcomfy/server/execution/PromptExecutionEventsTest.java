package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;

/** One prompt from POST to history, as a WebSocket client sees it (§4). */
class PromptExecutionEventsTest {
    static TestServer server;

    static final String IMAGE_PROMPT = """
            {"1":{"class_type":"EmptyImage","inputs":{"width":8,"height":4,"batch_size":2,"color":16711680}},
             "2":{"class_type":"ImageInvert","inputs":{"image":["1",0]}},
             "3":{"class_type":"SaveImage","inputs":{"images":["2",0],"filename_prefix":"events/run"}}}""";

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    @Test
    void connecting_sends_status_with_a_generated_sid() throws Exception {
        try (TestWebSocket ws = server.connect(null)) {
            JsonNode status = ws.awaitType("status").get("data");
            assertEquals(32, status.get("sid").asText().length());
            assertTrue(status.at("/status/exec_info/queue_remaining").isInt());
        }
    }

    @Test
    void connecting_with_a_client_id_keeps_it_as_the_sid() throws Exception {
        try (TestWebSocket ws = server.connect("my-client")) {
            assertEquals("my-client", ws.awaitType("status").at("/data/sid").asText());
        }
    }

    @Test
    void the_feature_flags_handshake_answers_with_the_server_flags() throws Exception {
        try (TestWebSocket ws = server.connect("flags-client")) {
            ws.awaitType("status");
            ws.send("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
            JsonNode flags = ws.awaitType("feature_flags").get("data");
            assertTrue(flags.get("supports_preview_metadata").asBoolean());
            assertEquals(100.0 * 1024 * 1024, flags.get("max_upload_size").asDouble());
            assertFalse(flags.get("assets").asBoolean());
        }
    }

    @Test
    void a_prompt_streams_start_cached_executing_executed_success_and_the_end_marker() throws Exception {
        try (TestWebSocket ws = server.connect("events-client")) {
            ws.awaitType("status");
            // A colour no other test uses, so nothing comes from the cache.
            String id = server.submit(IMAGE_PROMPT.replace("16711680", "255"), "events-client");
            List<JsonNode> messages = ws.untilDone(id);
            List<String> types = TestWebSocket.types(messages);
            assertTrue(types.indexOf("execution_start") < types.indexOf("execution_cached"), types.toString());
            assertTrue(types.indexOf("execution_cached") < types.indexOf("executing"), types.toString());
            assertTrue(types.lastIndexOf("executed") < types.indexOf("execution_success"), types.toString());
            assertEquals("executing", types.getLast());

            List<String> executing = TestWebSocket.ofType(messages, "executing").stream()
                    .filter(d -> !d.get("node").isNull()).map(d -> d.get("node").asText()).toList();
            assertEquals(List.of("1", "2", "3"), executing);
            for (JsonNode d : TestWebSocket.ofType(messages, "executing")) {
                if (!d.get("node").isNull()) assertEquals(d.get("node"), d.get("display_node"));
                assertEquals(id, d.get("prompt_id").asText());
            }
            JsonNode executed = TestWebSocket.ofType(messages, "executed").getFirst();
            assertEquals("3", executed.get("node").asText());
            JsonNode images = executed.at("/output/images");
            assertEquals(2, images.size());
            assertEquals("run_00001_.png", images.get(0).get("filename").asText());
            assertEquals("run_00002_.png", images.get(1).get("filename").asText());
            assertEquals("events", images.get(0).get("subfolder").asText());
            assertEquals("output", images.get(0).get("type").asText());
            JsonNode start = TestWebSocket.ofType(messages, "execution_start").getFirst();
            assertTrue(start.get("timestamp").isNumber());
            JsonNode state = TestWebSocket.ofType(messages, "progress_state").getLast();
            assertEquals("finished", state.at("/nodes/3/state").asText());
        }
    }

    @Test
    void history_holds_the_prompt_tuple_outputs_status_messages_and_meta() throws Exception {
        String body = "{\"prompt\":" + IMAGE_PROMPT.replace("events/run", "events/history")
                + ",\"client_id\":\"c1\",\"extra_data\":{\"extra_pnginfo\":{\"workflow\":{\"id\":\"wf-1\"}}}}";
        String id = server.postJson("/prompt", body).get("prompt_id").asText();
        JsonNode entry = server.awaitHistory(id);
        List<String> keys = iterableToList(entry.fieldNames());
        assertEquals(List.of("prompt", "outputs", "status", "meta"), keys);
        JsonNode tuple = entry.get("prompt");
        assertEquals(5, tuple.size());
        assertEquals(id, tuple.get(1).asText());
        assertEquals("c1", tuple.get(3).get("client_id").asText());
        assertTrue(tuple.get(3).get("create_time").isIntegralNumber());
        assertEquals("wf-1", tuple.at("/3/extra_pnginfo/workflow/id").asText());
        assertEquals("[\"3\"]", tuple.get(4).toString());
        assertEquals("history_00001_.png", entry.at("/outputs/3/images/0/filename").asText());
        assertEquals("success", entry.at("/status/status_str").asText());
        assertTrue(entry.at("/status/completed").asBoolean());
        List<String> events = new java.util.ArrayList<>();
        entry.at("/status/messages").forEach(m -> events.add(m.get(0).asText()));
        assertEquals(List.of("execution_start", "execution_cached", "execution_success"), events);
        assertEquals("{\"node_id\":\"3\",\"display_node\":\"3\",\"parent_node\":null,\"real_node_id\":\"3\"}",
                entry.at("/meta/3").toString());
    }

    @Test
    void the_saved_image_is_served_by_view_with_the_prompt_and_workflow_chunks() throws Exception {
        String body = "{\"prompt\":" + IMAGE_PROMPT.replace("events/run", "viewed")
                + ",\"extra_data\":{\"extra_pnginfo\":{\"workflow\":{\"nodes\":[]}}}}";
        String id = server.postJson("/prompt", body).get("prompt_id").asText();
        JsonNode image = server.awaitHistory(id).at("/outputs/3/images/0");
        HttpResponse<byte[]> png = server.http.send(HttpRequest.newBuilder(server.uri("/view?filename="
                + image.get("filename").asText() + "&subfolder=&type=output")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        String raw = new String(png.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("tEXtprompt\0{\"1\":{\"class_type\":\"EmptyImage\""), "prompt chunk");
        assertTrue(raw.contains("tEXtworkflow\0{\"nodes\":[]}"), "workflow chunk");
        java.awt.image.BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()));
        assertEquals(8, decoded.getWidth());
        assertEquals(0x00FFFF, decoded.getRGB(0, 0) & 0xFFFFFF, "red inverted is cyan");
    }

    @Test
    void a_prompt_without_client_id_sends_no_client_events_but_still_writes_history() throws Exception {
        try (TestWebSocket ws = server.connect("bystander")) {
            ws.awaitType("status");
            String id = server.submit("{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":4}},"
                    + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}", null);
            assertEquals("[\"4\"]", server.awaitHistory(id).at("/outputs/2/text").toString());
            Thread.sleep(200);
            for (JsonNode m : ws.messages) {
                String type = m.get("type").asText();
                assertTrue(List.of("status", "progress_state", "progress").contains(type), "unexpected broadcast " + m);
            }
        }
    }

    @Test
    void hidden_inputs_carry_the_node_id_the_prompt_and_extra_pnginfo() throws Exception {
        String body = "{\"prompt\":{\"u7\":{\"class_type\":\"TestUniqueId\",\"inputs\":{}}},"
                + "\"extra_data\":{\"extra_pnginfo\":{\"workflow\":{\"id\":\"w\"}}}}";
        String id = server.postJson("/prompt", body).get("prompt_id").asText();
        JsonNode text = server.awaitHistory(id).at("/outputs/u7/text");
        assertEquals("u7", text.get(0).asText());
        assertEquals("true", text.get(1).asText());
        assertEquals("{\"workflow\":{\"id\":\"w\"}}", text.get(2).asText());
    }

    @Test
    void a_list_output_runs_its_consumer_once_per_element_and_merges_the_ui() throws Exception {
        String id = server.submit("{\"1\":{\"class_type\":\"TestListSource\",\"inputs\":{}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}", null);
        assertEquals("[\"1\",\"2\",\"3\"]", server.awaitHistory(id).at("/outputs/2/text").toString());
    }

    @Test
    void routes_exist_bare_and_under_api() throws Exception {
        assertEquals(200, server.get("/api/prompt").statusCode());
        assertEquals(200, server.get("/prompt").statusCode());
        assertTrue(server.getJson("/api/prompt").at("/exec_info/queue_remaining").isInt());
        try (TestWebSocket ws = TestWebSocket.open(server.http, "ws://127.0.0.1:" + server.port() + "/api/ws")) {
            assertNotNull(ws.awaitType("status"));
        }
    }

    @Test
    void a_client_reconnecting_mid_run_is_told_which_node_is_executing() throws Exception {
        String id;
        try (TestWebSocket first = server.connect("reconnecting")) {
            first.awaitType("status");
            id = server.submit("{\"1\":{\"class_type\":\"TestSteps\",\"inputs\":{\"steps\":100000,\"sleep_ms\":2}},"
                    + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}", "reconnecting");
            first.awaitType("progress");
        }
        try (TestWebSocket again = server.connect("reconnecting")) {
            assertEquals("reconnecting", again.awaitType("status").at("/data/sid").asText());
            JsonNode executing = again.awaitType("executing").get("data");
            assertEquals("{\"node\":\"1\"}", executing.toString());
            server.post("/interrupt", "{\"prompt_id\":\"" + id + "\"}");
            again.untilDone(id);
        }
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
