package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Test;

/** POST /prompt with the UI-format file the frontend saves instead of an API prompt. */
class UiFormatPromptTest {
    /**
     * EmptyImage whose width comes from a PrimitiveNode, through a Reroute and a bypassed ImageInvert
     * into SaveImage; a muted SaveImage beside it; a Note.
     */
    static final String WORKFLOW = """
            {"last_node_id": 7, "last_link_id": 14, "version": 0.4,
             "nodes": [
              {"id": 1, "type": "EmptyImage", "mode": 0, "order": 1,
               "inputs": [{"name": "width", "type": "INT", "widget": {"name": "width"}, "link": 10}],
               "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [11]}], "widgets_values": [16, 8, 1, 16777215]},
              {"id": 2, "type": "PrimitiveNode", "mode": 0, "order": 0,
               "outputs": [{"name": "INT", "type": "INT", "links": [10], "widget": {"name": "width"}}], "widgets_values": [20, "fixed"]},
              {"id": 3, "type": "Reroute", "mode": 0, "order": 2, "inputs": [{"name": "", "type": "*", "link": 11}],
               "outputs": [{"name": "", "type": "IMAGE", "links": [12, 13]}]},
              {"id": 7, "type": "ImageInvert", "mode": 4, "order": 3, "inputs": [{"name": "image", "type": "IMAGE", "link": 12}],
               "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [14]}]},
              {"id": 4, "type": "SaveImage", "mode": 0, "order": 4, "inputs": [{"name": "images", "type": "IMAGE", "link": 14}],
               "widgets_values": ["uiformat"]},
              {"id": 5, "type": "SaveImage", "mode": 2, "order": 5, "inputs": [{"name": "images", "type": "IMAGE", "link": 13}],
               "widgets_values": ["muted"]},
              {"id": 6, "type": "Note", "mode": 0, "order": 6, "widgets_values": ["a note only the UI graph holds"]}],
             "links": [[10, 2, 0, 1, 0, "INT"], [11, 1, 0, 3, 0, "IMAGE"], [12, 3, 0, 7, 0, "IMAGE"],
                       [14, 7, 0, 4, 0, "IMAGE"], [13, 3, 0, 5, 0, "IMAGE"]]}""";

    @Test
    void a_ui_format_workflow_runs_as_its_converted_prompt_and_saved_files_embed_the_graph() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("ui")) {
            HttpResponse<String> r = server.post("/prompt", "{\"client_id\":\"ui\",\"prompt\":" + WORKFLOW + "}");
            assertEquals(200, r.statusCode(), r.body());
            String id = Json.MAPPER.readTree(r.body()).get("prompt_id").asText();
            assertTrue(TestWebSocket.types(ws.untilDone(id)).contains("execution_success"));
            JsonNode outputs = server.awaitHistory(id).path("outputs");
            assertFalse(outputs.has("5"), "the muted SaveImage saved nothing: " + outputs);
            JsonNode image = outputs.path("4").path("images").path(0);
            byte[] png = server.getBytes("/view?type=output&filename=" + image.get("filename").asText()).body();
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(20, decoded.getWidth(), "width from the PrimitiveNode");
            assertEquals(8, decoded.getHeight());
            assertEquals(0xFFFFFF, decoded.getRGB(3, 3) & 0xFFFFFF, "the bypassed ImageInvert passed the image through");
            assertTrue(new String(png, StandardCharsets.ISO_8859_1).contains("a note only the UI graph holds"),
                    "the PNG embeds the workflow as saved");
        }
    }

    @Test
    void a_ui_format_workflow_that_cannot_be_converted_is_a_400_in_comfyuis_shape() throws Exception {
        try (TestServer server = TestServer.start()) {
            String[] bad = {
                    "{\"nodes\": [{\"id\": 1, \"type\": \"NoSuchNode\"}], \"links\": []}",
                    "{\"nodes\": [{\"type\": \"EmptyImage\"}], \"links\": []}",
                    "{\"nodes\": [{\"id\": 1, \"type\": \"SaveImage\", \"inputs\": [{\"name\": \"images\", \"link\": 5}]}],"
                            + " \"links\": [[5, 9, 0, 1, 0]]}"};
            for (String workflow : bad) {
                HttpResponse<String> r = server.post("/prompt", "{\"prompt\":" + workflow + "}");
                assertEquals(400, r.statusCode(), workflow + " -> " + r.body());
                JsonNode body = Json.MAPPER.readTree(r.body());
                assertTrue(body.at("/error/type").isTextual() && body.at("/error/message").isTextual(), r.body());
                assertTrue(body.has("node_errors"), r.body());
            }
            HttpResponse<String> unknown = server.post("/prompt", "{\"prompt\":" + bad[0] + "}");
            assertTrue(unknown.body().contains("unknown type 'NoSuchNode'"), unknown.body());
        }
    }
}
