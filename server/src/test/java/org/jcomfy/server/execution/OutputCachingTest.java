package org.jcomfy.server.execution;

import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.TestServer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Results cached between prompts by input signature (§6.3), in classic, lru and none modes. */
class OutputCachingTest {
    static final String PROMPT = """
            {"1":{"class_type":"EmptyImage","inputs":{"width":4,"height":4,"batch_size":1,"color":%d}},
             "2":{"class_type":"ImageInvert","inputs":{"image":["1",0]}},
             "3":{"class_type":"PreviewImage","inputs":{"images":["2",0]}}}""";

    /**
     * A client whose connection the server has finished handling. The handshake completes before the
     * connect handler runs, so a prompt submitted in between may already be executing when the
     * handler looks for the client's running node, and the client gets an extra {@code executing}.
     */
    private static TestWebSocket connected(TestServer server) throws Exception {
        TestWebSocket ws = server.connect("cache-client");
        ws.awaitType("status");
        return ws;
    }

    private static List<JsonNode> run(TestServer server, TestWebSocket ws, String prompt) throws Exception {
        return ws.untilDone(server.submit(prompt, "cache-client"));
    }

    private static List<String> cachedNodes(List<JsonNode> messages) {
        List<String> ids = new java.util.ArrayList<>();
        TestWebSocket.ofType(messages, "execution_cached").getFirst().get("nodes").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static List<String> executedNodes(List<JsonNode> messages) {
        return TestWebSocket.ofType(messages, "executing").stream().filter(d -> !d.get("node").isNull())
                .map(d -> d.get("node").asText()).toList();
    }

    @Test
    void an_identical_second_prompt_reports_every_node_cached_and_runs_none() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = connected(server)) {
            List<JsonNode> first = run(server, ws, PROMPT.formatted(1));
            assertEquals(List.of(), cachedNodes(first));
            assertEquals(List.of("1", "2", "3"), executedNodes(first));
            List<JsonNode> second = run(server, ws, PROMPT.formatted(1));
            assertEquals(List.of("1", "2", "3"), cachedNodes(second));
            assertEquals(List.of(), executedNodes(second));
            JsonNode replayed = TestWebSocket.ofType(second, "executed").getFirst();
            assertEquals("3", replayed.get("node").asText(), "the cached output node's UI is sent again");
            assertEquals(TestWebSocket.ofType(first, "executed").getFirst().get("output"), replayed.get("output"));
        }
    }

    /**
     * The model loaders' fingerprint (the file's stamp) must make a stable key: when it failed to
     * serialise, every loader and everything after it ran again on every prompt.
     */
    @Test
    void the_wan_workflow_with_a_new_seed_reuses_its_loaders_and_text_encodings() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = connected(server)) {
            com.fasterxml.jackson.databind.node.ObjectNode prompt =
                    ReferenceWorkflowsTest.preparedPrompt(server, "text_to_video_wan.json");
            ((com.fasterxml.jackson.databind.node.ObjectNode) prompt.get("40").get("inputs"))
                    .put("width", 32).put("height", 32).put("length", 5);
            com.fasterxml.jackson.databind.node.ObjectNode sampler =
                    (com.fasterxml.jackson.databind.node.ObjectNode) prompt.get("3").get("inputs");
            sampler.put("steps", 2).put("seed", 1);
            run(server, ws, prompt.toString());
            sampler.put("seed", 2);
            List<String> cached = cachedNodes(run(server, ws, prompt.toString()));
            // 37 UNETLoader, 38 CLIPLoader, 39 VAELoader, 6 and 7 the text encodings, 40 the empty latent,
            // 48 ModelSamplingSD3: all but the sampler and what follows it.
            assertEquals(List.of("37", "38", "39", "40", "48", "6", "7"), cached.stream().sorted().toList());
        }
    }

    @Test
    void changing_a_constant_reruns_only_that_node_and_what_depends_on_it() throws Exception {
        String twoBranches = "{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":1}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}},"
                + "\"3\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":%d}},"
                + "\"4\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"3\",0]}}}";
        try (TestServer server = TestServer.start(); TestWebSocket ws = connected(server)) {
            run(server, ws, twoBranches.formatted(2));
            List<JsonNode> second = run(server, ws, twoBranches.formatted(3));
            assertEquals(List.of("1", "2"), cachedNodes(second));
            assertEquals(List.of("3", "4"), executedNodes(second));
        }
    }

    @Test
    void identical_subgraphs_under_other_ids_share_cache_entries() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = connected(server)) {
            run(server, ws, PROMPT.formatted(5));
            String renamed = PROMPT.formatted(5).replace("\"1\"", "\"a\"").replace("\"2\"", "\"b\"").replace("\"3\"", "\"c\"");
            assertEquals(List.of("a", "b", "c"), cachedNodes(run(server, ws, renamed)));
        }
    }

    @Test
    void a_node_whose_fingerprint_always_changes_runs_every_time() throws Exception {
        String prompt = "{\"1\":{\"class_type\":\"TestVolatile\",\"inputs\":{}},"
                + "\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
        try (TestServer server = TestServer.start(); TestWebSocket ws = connected(server)) {
            run(server, ws, prompt);
            List<JsonNode> second = run(server, ws, prompt);
            assertEquals(List.of(), cachedNodes(second));
            assertEquals(List.of("1", "2"), executedNodes(second));
        }
    }

    @Test
    void cache_none_reruns_every_node() throws Exception {
        try (TestServer server = TestServer.start("--cache-none"); TestWebSocket ws = connected(server)) {
            run(server, ws, PROMPT.formatted(9));
            List<JsonNode> second = run(server, ws, PROMPT.formatted(9));
            assertEquals(List.of(), cachedNodes(second));
            assertEquals(List.of("1", "2", "3"), executedNodes(second));
        }
    }

    @Test
    void classic_keeps_only_the_latest_prompt_while_lru_keeps_older_ones() throws Exception {
        try (TestServer classic = TestServer.start(); TestWebSocket ws = classic.connect("cache-client")) {
            run(classic, ws, PROMPT.formatted(10));
            run(classic, ws, PROMPT.formatted(11));
            assertEquals(List.of(), cachedNodes(run(classic, ws, PROMPT.formatted(10))));
        }
        try (TestServer lru = TestServer.start("--cache-lru", "100"); TestWebSocket ws = lru.connect("cache-client")) {
            run(lru, ws, PROMPT.formatted(10));
            run(lru, ws, PROMPT.formatted(11));
            assertEquals(List.of("1", "2", "3"), cachedNodes(run(lru, ws, PROMPT.formatted(10))));
        }
    }

    @Test
    void a_tiny_lru_cache_still_gives_correct_results() throws Exception {
        try (TestServer server = TestServer.start("--cache-lru", "1"); TestWebSocket ws = connected(server)) {
            for (int i = 0; i < 3; i++) {
                List<JsonNode> messages = run(server, ws, PROMPT.formatted(30));
                assertEquals(List.of("execution_success"), TestWebSocket.types(messages).stream()
                        .filter(t -> t.equals("execution_success") || t.equals("execution_error")).toList());
            }
        }
    }

    @Test
    void free_with_free_memory_drops_the_cache_and_unloads_models() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = connected(server)) {
            java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
            java.util.function.Supplier<Object> loadModel = () -> server.environment.shared().getOrLoad("probe-model", 1, loads::incrementAndGet);
            run(server, ws, PROMPT.formatted(20));
            loadModel.get();
            assertEquals(200, server.post("/free", "{\"unload_models\":true,\"free_memory\":true}").statusCode());
            assertEquals(List.of(), cachedNodes(run(server, ws, PROMPT.formatted(20))));
            loadModel.get();
            assertEquals(2, loads.get(), "the shared model was unloaded, so it loads again");
            assertEquals(200, server.post("/api/free", "{\"unload_models\":true}").statusCode());
            assertEquals(List.of("1", "2", "3"), cachedNodes(run(server, ws, PROMPT.formatted(20))),
                    "unload_models alone keeps the output cache");
            loadModel.get();
            assertEquals(3, loads.get());
        }
    }
}
