package org.jcomfy.server.execution;

import org.jcomfy.server.http.Json;
import org.jcomfy.server.TestServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcomfy.nodes.models.wan.vae.DemoVaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Node file handling through the real server: prompts that try to leave their folders through
 * symlinks, and a model file changed on disk between runs.
 */
class NodeFilesThroughTheServerTest {
    @TempDir Path tmp;

    private static final String SAVE_EMPTY_IMAGE = "{\"1\":{\"class_type\":\"EmptyImage\",\"inputs\":{\"width\":8,\"height\":8,"
            + "\"batch_size\":1,\"color\":0}},\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"images\":[\"1\",0],"
            + "\"filename_prefix\":\"%s\"}}}";

    private static final String DECODE_WITH_VAE = "{\"1\":{\"class_type\":\"VAELoader\",\"inputs\":{\"vae_name\":\"v.safetensors\"}},"
            + "\"2\":{\"class_type\":\"EmptyHunyuanLatentVideo\",\"inputs\":{\"width\":16,\"height\":16,\"length\":1,\"batch_size\":1}},"
            + "\"3\":{\"class_type\":\"VAEDecode\",\"inputs\":{\"samples\":[\"2\",0],\"vae\":[\"1\",0]}},"
            + "\"4\":{\"class_type\":\"SaveImage\",\"inputs\":{\"images\":[\"3\",0],\"filename_prefix\":\"decoded\"}}}";

    private static JsonNode executionError(JsonNode history) {
        for (JsonNode m : history.at("/status/messages")) {
            if (m.get(0).asText().equals("execution_error")) return m.get(1);
        }
        throw new AssertionError("no execution_error in " + history);
    }

    @Test
    void a_save_through_an_output_subfolder_that_links_out_fails_clearly_and_writes_nothing_outside() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        try (TestServer server = TestServer.start()) {
            Files.createDirectories(server.base.resolve("output"));
            Files.createSymbolicLink(server.base.resolve("output/evil"), outside);
            JsonNode history = server.awaitHistory(server.submit(SAVE_EMPTY_IMAGE.formatted("evil/x"), null));
            assertEquals("error", history.at("/status/status_str").asText());
            JsonNode error = executionError(history);
            assertEquals("SaveImage", error.get("node_type").asText());
            assertTrue(error.get("exception_message").asText().startsWith("Saving image outside the output folder is not allowed."),
                    error.toString());
            try (Stream<Path> written = Files.list(outside)) {
                assertEquals(List.of(), written.toList());
            }
            JsonNode ok = server.awaitHistory(server.submit(SAVE_EMPTY_IMAGE.formatted("fine/x"), null));
            assertEquals("success", ok.at("/status/status_str").asText(), "the server goes on");
            assertTrue(Files.isRegularFile(server.base.resolve("output/fine/x_00001_.png")));
        }
    }

    @Test
    void load_image_of_an_input_that_links_out_is_refused_at_validation() throws Exception {
        Path secret = Files.createDirectories(tmp.resolve("outside")).resolve("secret.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", secret.toFile());
        try (TestServer server = TestServer.start()) {
            Files.createDirectories(server.base.resolve("input"));
            Files.createSymbolicLink(server.base.resolve("input/innocent.png"), secret);
            var response = server.post("/prompt", "{\"prompt\":{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"innocent.png\"}},"
                    + "\"2\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"1\",0]}}}}");
            assertEquals(400, response.statusCode(), response.body());
            JsonNode body = Json.MAPPER.readTree(response.body());
            String details = body.at("/node_errors/1/errors/0/details").asText();
            assertTrue(details.startsWith("image - Invalid image file: innocent.png (file name leaves its folder"), body.toString());
        }
    }

    /**
     * With the output cache ({@code classic}) the loader's fingerprint makes it re-run; with none,
     * every run asks the shared model cache, which must see the change itself.
     */
    @ParameterizedTest
    @ValueSource(strings = {"classic", "none"})
    void a_vae_file_replaced_rewritten_or_truncated_between_runs_is_loaded_anew_or_refused_clearly(String cacheMode) throws Exception {
        try (TestServer server = TestServer.start("--cache-" + cacheMode)) {
            Path vae = server.base.resolve("models/vae/v.safetensors");
            DemoVaeWeights.write(tmp.resolve("seed2.safetensors"), 16, 2);
            byte[] seed2 = Files.readAllBytes(tmp.resolve("seed2.safetensors"));
            DemoVaeWeights.write(vae, 16, 1);
            int[] first = decode(server);

            Files.write(vae, seed2); // rewritten in place: the loaded model's mapping sees the new bytes
            assertFalse(java.util.Arrays.equals(first, decode(server)), "the new weights are used");

            try (FileChannel ch = FileChannel.open(vae, StandardOpenOption.WRITE)) {
                ch.truncate(100); // the mapped pages past the end are gone: reading them faults
            }
            for (int run = 0; run < 2; run++) {
                JsonNode history = server.awaitHistory(server.submit(DECODE_WITH_VAE, null));
                assertEquals("error", history.at("/status/status_str").asText());
                JsonNode error = executionError(history);
                assertEquals("VAELoader", error.get("node_type").asText(), error.toString());
                assertNotEquals("java.lang.InternalError", error.get("exception_type").asText(), error.toString());
                assertTrue(error.get("exception_message").asText().contains("100 bytes"), error.toString());
            }

            DemoVaeWeights.write(vae, 16, 1); // a new file renamed onto the name
            assertArrayEquals(first, decode(server), "the server is alive and loads the new file, without /free");
        }
    }

    /** Runs the VAE prompt and returns the saved image's pixels. */
    private static int[] decode(TestServer server) throws Exception {
        JsonNode history = server.awaitHistory(server.submit(DECODE_WITH_VAE, null));
        assertEquals("success", history.at("/status/status_str").asText(), history.toString());
        String name = history.at("/outputs/4/images/0/filename").asText();
        BufferedImage image = ImageIO.read(server.base.resolve("output").resolve(name).toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
