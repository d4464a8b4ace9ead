package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.nodes.demo.DemoModels;
import org.junit.jupiter.api.Test;

/** {@code GET /api/jcomfy/models} lists what the loaders hold in memory, as the frontend panel shows it. */
class LoadedModelsRouteTest {

    /** Loads only the demo VAE: an empty Wan latent, decoded and saved. */
    private static final String DECODE = """
            {"1": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 16, "height": 16, "length": 1, "batch_size": 1}},
             "2": {"class_type": "VAELoader", "inputs": {"vae_name": "%s"}},
             "3": {"class_type": "VAEDecode", "inputs": {"samples": ["1", 0], "vae": ["2", 0]}},
             "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "models_route"}}}
            """.formatted(DemoModels.VAE);

    @Test
    void the_route_lists_each_loaded_model_with_its_size_and_forgets_it_after_free() throws Exception {
        try (TestServer server = TestServer.start()) {
            DemoModels.ensure(server.base.resolve("models"), System.out);
            JsonNode before = server.getJson("/api/jcomfy/models");
            assertEquals(0, before.get("models").size(), before.toString());
            assertEquals(0, before.get("used_bytes").asLong());
            assertTrue(before.get("budget_bytes").asLong() > 0, before.toString());

            String id = server.submit(DECODE);
            assertEquals("success", server.awaitHistory(id).at("/status/status_str").asText());
            JsonNode after = server.getJson("/api/jcomfy/models");
            assertEquals(1, after.get("models").size(), after.toString());
            JsonNode vae = after.get("models").get(0);
            Path file = server.base.resolve("models/vae").resolve(DemoModels.VAE);
            assertEquals("vae", vae.get("folder").asText());
            assertEquals(DemoModels.VAE, vae.get("name").asText());
            assertEquals("vae/" + DemoModels.VAE, vae.get("key").asText());
            assertEquals(Files.size(file), vae.get("bytes").asLong(), "the loader weighs a model by its file");
            assertEquals(Files.size(file), after.get("used_bytes").asLong());
            assertEquals(after, server.getJson("/jcomfy/models"), "also without the /api prefix, as every route");

            assertEquals(200, server.post("/api/free", "{\"unload_models\":true}").statusCode());
            // the executor carries /free out as soon as it is idle, on its own thread
            JsonNode freed = server.getJson("/api/jcomfy/models");
            for (long end = System.nanoTime() + 10_000_000_000L; freed.get("models").size() > 0 && System.nanoTime() < end; ) {
                Thread.sleep(20);
                freed = server.getJson("/api/jcomfy/models");
            }
            assertEquals(0, freed.get("models").size(), "unloaded by /free: " + freed);
            assertEquals(0, freed.get("used_bytes").asLong());
        }
    }
}
