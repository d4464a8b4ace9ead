package org.jcomfy.server.execution;

import org.jcomfy.server.http.Json;
import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.TestServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.nodes.output.FileNamePrefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code filename_prefix} that cannot name a file (issue 8: 100,000 characters failed inside
 * SaveImage with "output == null!") is refused at validation on every save node, naming the node
 * and the input, and one that arrives through a link fails the node with the same message.
 */
class FileNamePrefixTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception { server = TestServer.start(); }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    static final String IMAGE = "\"1\":{\"class_type\":\"EmptyImage\",\"inputs\":{\"width\":8,\"height\":8,\"batch_size\":1,\"color\":0}}";


    static String saveImage(String prefix) {
        return "{" + IMAGE + ",\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"images\":[\"1\",0],\"filename_prefix\":"
                + Json.NODES.textNode(prefix) + "}}}";
    }

    @Test
    void a_prefix_of_100000_characters_is_custom_validation_failed_on_the_input() throws Exception {
        JsonNode body = server.refused(saveImage("x".repeat(100_000)));
        assertEquals("prompt_outputs_failed_validation", body.at("/error/type").asText());
        JsonNode node = body.at("/node_errors/2");
        assertEquals("SaveImage", node.get("class_type").asText());
        assertEquals(1, node.get("errors").size());
        JsonNode e = node.at("/errors/0");
        assertEquals("custom_validation_failed", e.get("type").asText());
        assertEquals("Custom validation failed for node", e.get("message").asText());
        assertEquals("filename_prefix - the file name prefix '" + "x".repeat(40) + "...' is 100000 bytes long; at most "
                + FileNamePrefix.MAX_PREFIX_BYTES + " are allowed", e.get("details").asText());
        assertEquals("{\"input_name\":\"filename_prefix\"}", e.get("extra_info").toString());
    }

    @Test
    void a_file_name_or_folder_too_long_for_the_file_system_is_refused() throws Exception {
        int fits = FileNamePrefix.MAX_NAME_BYTES - FileNamePrefix.SUFFIX_BYTES;
        assertTrue(server.refused(saveImage("x".repeat(fits + 1))).at("/node_errors/2/errors/0/details").asText()
                .contains("at most " + fits + " fit in a file name with the counter and extension"));
        // Bytes, not characters: 119 two-byte letters are 238 bytes.
        assertTrue(server.refused(saveImage("é".repeat(fits / 2 + 1))).at("/node_errors/2/errors/0/details").asText()
                .contains("is " + (fits / 2 + 1) * 2 + " bytes long"));
        assertTrue(server.refused(saveImage("d".repeat(256) + "/x")).at("/node_errors/2/errors/0/details").asText()
                .startsWith("filename_prefix - the folder name 'ddd"));
        assertTrue(server.refused(saveImage("a\u0000b")).at("/node_errors/2/errors/0/details").asText().contains("NUL"));
    }

    @Test
    void the_longest_prefix_that_fits_saves_its_file() throws Exception {
        String name = "y".repeat(FileNamePrefix.MAX_NAME_BYTES - FileNamePrefix.SUFFIX_BYTES);
        JsonNode entry = server.awaitHistory(server.submit(saveImage("deep/" + name), null));
        assertEquals("success", entry.at("/status/status_str").asText(), () -> entry.at("/status").toString());
        JsonNode image = entry.at("/outputs/2/images/0");
        assertEquals(name + "_00001_.png", image.get("filename").asText());
        assertTrue(Files.isRegularFile(server.base.resolve("output/deep").resolve(image.get("filename").asText())));
    }

    /** Every node that turns filename_prefix into a path declares the same check. */
    @ParameterizedTest
    @ValueSource(strings = {"SaveImage", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "SaveVideo"})
    void every_save_node_refuses_the_long_prefix(String classType) throws Exception {
        String prompt = "{\"2\":{\"class_type\":\"" + classType + "\",\"inputs\":{\"filename_prefix\":\"" + "z".repeat(100_000) + "\"}}}";
        JsonNode node = server.refused(prompt).at("/node_errors/2");
        assertEquals(classType, node.get("class_type").asText());
        List<JsonNode> prefixErrors = new ArrayList<>();
        for (JsonNode e : node.get("errors")) if (e.get("type").asText().equals("custom_validation_failed")) prefixErrors.add(e);
        assertEquals(1, prefixErrors.size(), node.toString());
        assertEquals("filename_prefix", prefixErrors.getFirst().at("/extra_info/input_name").asText());
    }

    @Test
    void a_long_prefix_arriving_through_a_link_fails_the_save_with_the_same_message() throws Exception {
        String prompt = "{" + IMAGE + ",\"3\":{\"class_type\":\"PrimitiveString\",\"inputs\":{\"value\":\"" + "w".repeat(100_000) + "\"}},"
                + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"images\":[\"1\",0],\"filename_prefix\":[\"3\",0]}}}";
        try (TestWebSocket ws = server.connect("prefix-client")) {
            ws.awaitType("status");
            String id = server.submit(prompt, "prefix-client");
            JsonNode error = TestWebSocket.ofType(ws.untilDone(id), "execution_error").getFirst();
            assertEquals("2", error.get("node_id").asText());
            assertTrue(error.get("exception_message").asText().startsWith("the file name prefix 'www"),
                    error.get("exception_message").asText());
            JsonNode messages = server.awaitHistory(id).at("/status/messages");
            assertEquals("execution_error", messages.get(messages.size() - 1).get(0).asText());
        }
    }
}
