package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RouteAliasesTest {
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start();
        java.nio.file.Files.createDirectories(s.base.resolve("user/default/workflows"));
    }

    @AfterAll static void stop() { s.close(); }

    static final List<String> GET_ROUTES = List.of(
            "/users", "/settings", "/settings/Comfy.Any", "/userdata?dir=workflows", "/v2/userdata", "/i18n", "/extensions",
            "/object_info", "/object_info/TestNumber", "/system_stats", "/features", "/global_subgraphs",
            "/global_subgraphs/unknown", "/node_replacements", "/workflow_templates", "/embeddings", "/models",
            "/models/checkpoints", "/experiment/models", "/experiment/models/vae");

    @Test
    void every_get_route_answers_json_both_bare_and_under_api() {
        for (String path : GET_ROUTES) {
            for (String prefix : List.of("", "/api")) {
                HttpResponse<String> r = s.get(prefix + path);
                assertEquals(200, r.statusCode(), prefix + path + " -> " + r.body());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), prefix + path);
                TestServer.json(r);
            }
        }
    }

    @Test
    void internal_routes_exist_only_without_the_api_prefix() {
        assertEquals(200, s.get("/internal/folder_paths").statusCode());
        assertEquals(404, s.get("/api/internal/folder_paths").statusCode());
    }

    @Test
    void an_unknown_route_is_a_json_404() {
        for (HttpResponse<String> r : List.of(s.get("/api/no/such/route"), s.post("/api/no/such/route", "{}"), s.delete("/nothing"))) {
            assertEquals(404, r.statusCode());
            assertEquals("not_found", TestServer.json(r).path("error").path("type").asText(), r.body());
        }
    }

    @Test
    void the_route_table_lists_each_family() {
        List<String> routes = s.server.routes();
        for (String expected : List.of("GET /object_info", "POST /upload/image", "GET /view", "DELETE /userdata/{file}")) {
            assertTrue(routes.contains(expected), expected + " in " + routes);
        }
    }
}
