package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SystemRoutesTest {
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start();
        Path pack = s.base.resolve("custom_nodes/MyPack");
        Files.createDirectories(pack.resolve("locales/en"));
        Files.writeString(pack.resolve("locales/en/main.json"), "{\"title\":\"Mine\"}");
        Files.writeString(pack.resolve("locales/en/nodeDefs.json"), "{\"MyNode\":{\"display_name\":\"My Node\"}}");
        Files.createDirectories(pack.resolve("subgraphs"));
        Files.writeString(pack.resolve("subgraphs/Upscale Chain.json"), "{\"nodes\":[]}");
        Files.createDirectories(pack.resolve("example_workflows"));
        Files.writeString(pack.resolve("example_workflows/demo.json"), "{\"demo\":true}");
    }

    @AfterAll static void stop() { s.close(); }

    @Test
    void system_stats_reports_the_jvm_real_memory_and_the_cpu_device_first() {
        JsonNode stats = TestServer.json(s.get("/api/system_stats"));
        JsonNode system = stats.get("system");
        assertTrue(system.get("python_version").asText().startsWith("Java " + Runtime.version().feature()));
        assertTrue(system.get("ram_total").asLong() > system.get("ram_free").asLong());
        assertTrue(system.get("ram_free").asLong() > 0);
        assertEquals("[\"jcomfy\",\"serve\",\"--port\",\"0\",\"--base-directory\",\"" + s.base + "\"]",
                system.get("argv").toString(), "the command line as typed");
        assertTrue(system.has("comfyui_version") && system.has("embedded_python"));
        JsonNode cpu = stats.get("devices").get(0);
        assertEquals("cpu", cpu.get("type").asText());
        assertTrue(cpu.get("name").asText().startsWith("cpu") && !cpu.get("name").asText().startsWith("cpu cpu"), cpu.toString());
        assertEquals(0, cpu.get("index").asInt());
        assertTrue(cpu.get("vram_total").asLong() > 0);
        assertTrue(cpu.has("torch_vram_free"));
        JsonNode ranks = stats.get("jcomfy_ranks");
        assertEquals(8, ranks.get("max_world").asInt(), stats.toString());
        assertEquals(TestServer.json(s.get("/api/jcomfy/ranks")), ranks, "the same list as /api/jcomfy/ranks");
    }

    @Test
    void features_advertise_preview_metadata_the_upload_limit_and_no_assets() {
        assertEquals("{\"supports_preview_metadata\":true,\"max_upload_size\":104857600,\"node_replacements\":false,\"assets\":false}",
                s.get("/api/features").body());
    }

    @Test
    void the_bundled_jcomfy_extension_is_listed_and_served_as_a_javascript_module() {
        JsonNode list = TestServer.json(s.get("/api/extensions"));
        assertTrue(list.toString().contains("\"/extensions/jcomfy/jcomfy.js\""), list.toString());
        var js = s.get("/extensions/jcomfy/jcomfy.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElseThrow().startsWith("application/javascript"));
        assertEquals("no-store", js.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(js.body().contains("registerExtension") && js.body().contains("\"jcomfy\""));
        assertEquals(404, s.get("/extensions/jcomfy/nothing.js").statusCode());
        // the modules jcomfy.js imports are served beside it, but only the entry point is listed
        var module = s.get("/extensions/jcomfy/lib/panel.js");
        assertEquals(200, module.statusCode());
        assertTrue(module.headers().firstValue("Content-Type").orElseThrow().startsWith("application/javascript"));
        assertTrue(list.toString().equals("[\"/extensions/jcomfy/jcomfy.js\"]"), list.toString());
        assertEquals(403, s.get("/extensions/jcomfy/..%2F..%2Fsimplelogger.properties").statusCode());
    }

    @Test
    void i18n_merges_custom_node_locale_files() {
        assertEquals("{\"en\":{\"title\":\"Mine\",\"nodeDefs\":{\"MyNode\":{\"display_name\":\"My Node\"}}}}", s.get("/api/i18n").body());
    }

    @Test
    void subgraph_blueprints_are_listed_without_data_and_served_with_it() {
        JsonNode list = TestServer.json(s.get("/api/global_subgraphs"));
        assertEquals(1, list.size());
        String id = list.fieldNames().next();
        assertEquals(64, id.length());
        assertEquals("{\"source\":\"custom_node\",\"name\":\"Upscale Chain\",\"info\":{\"node_pack\":\"custom_nodes.MyPack\"}}",
                list.get(id).toString());
        assertEquals("{\"nodes\":[]}", TestServer.json(s.get("/api/global_subgraphs/" + id)).get("data").asText());
        var unknown = s.get("/api/global_subgraphs/nope");
        assertEquals(200, unknown.statusCode());
        assertEquals("null", unknown.body());
    }

    @Test
    void node_replacements_are_empty_and_example_workflows_are_indexed_and_served() throws Exception {
        assertEquals("{}", s.get("/api/node_replacements").body());
        JsonNode templates = TestServer.json(s.get("/api/workflow_templates"));
        assertEquals("[jcomfy, MyPack]", fieldNames(templates).toString(),
                "jcomfy's own workflows come first");
        assertEquals("[\"demo\"]", templates.get("MyPack").toString());
        Path workflows = Path.of(System.getProperty("jcomfy.testdata")).resolveSibling("workflows");
        try (var files = Files.list(workflows)) {
            List<String> expected = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            assertEquals(expected, Json.MAPPER.convertValue(templates.get("jcomfy"), List.class));
        }
        var demo = s.getBytes("/api/workflow_templates/jcomfy/text_to_video_demo.json");
        assertEquals(200, demo.statusCode());
        assertArrayEquals(Files.readAllBytes(workflows.resolve("text_to_video_demo.json")), demo.body());
        assertEquals(404, s.get("/api/workflow_templates/jcomfy/none.json").statusCode());
        var thumbnail = s.getBytes("/api/workflow_templates/jcomfy/text_to_video_demo.jpg");
        assertEquals(200, thumbnail.statusCode(), "the template browser's thumbnail");
        assertArrayEquals(Files.readAllBytes(workflows.resolve("text_to_video_demo.jpg")), thumbnail.body());
        assertEquals(404, s.get("/api/workflow_templates/jcomfy/..%2Fpom.xml").statusCode());
        assertEquals("{\"demo\":true}", s.get("/api/workflow_templates/MyPack/demo.json").body());
        assertEquals(404, s.get("/api/workflow_templates/MyPack/none.json").statusCode());
    }

    @Test
    void internal_files_list_top_level_names_newest_first_with_their_type() throws Exception {
        Path input = s.base.resolve("input");
        Files.writeString(input.resolve("old.png"), "o");
        Files.setLastModifiedTime(input.resolve("old.png"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        Files.writeString(input.resolve("new.png"), "n");
        Files.writeString(input.resolve(".hidden"), "h");
        Files.createDirectories(input.resolve("sub"));
        assertEquals("[\"new.png [input]\",\"old.png [input]\"]", s.get("/internal/files/input").body());
        var bad = s.get("/internal/files/models");
        assertEquals(400, bad.statusCode());
        assertEquals("{\"error\":\"Invalid directory type\"}", bad.body());
    }

    @Test
    void internal_logs_hold_what_the_server_printed() {
        System.err.println("a line for the terminal panel");
        JsonNode raw = TestServer.json(s.get("/internal/logs/raw"));
        assertTrue(raw.get("entries").toString().contains("a line for the terminal panel"));
        assertEquals(80, raw.get("size").get("cols").asInt());
        assertTrue(TestServer.json(s.get("/internal/logs")).asText().contains("a line for the terminal panel"));
        assertEquals(200, s.method("PATCH", "/internal/logs/subscribe", "{\"clientId\":\"abc\",\"enabled\":true}").statusCode());
        assertEquals(400, s.method("PATCH", "/internal/logs/subscribe", "oops").statusCode());
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
