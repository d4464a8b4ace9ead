package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.http.Json;

class SettingsAndUsersTest {
    TestServer s;

    @BeforeEach void start() { s = TestServer.start(); }

    @AfterEach void stop() { s.close(); }

    @Test
    void a_fresh_server_is_single_user_and_not_yet_migrated() {
        assertEquals("{\"storage\":\"server\",\"migrated\":false}", s.get("/api/users").body());
    }

    @Test
    void settings_are_set_one_by_one_merged_and_read_back_from_the_user_file() throws Exception {
        assertEquals("{}", s.get("/api/settings").body());
        assertEquals("null", s.get("/api/settings/Comfy.InstalledVersion").body());
        // the frontend posts bare JSON values without a Content-Type
        assertEquals(200, s.post("/api/settings/Comfy.InstalledVersion", "\"1.45.19\"").statusCode());
        assertEquals(200, s.post("/api/settings/Comfy.TutorialCompleted", "true").statusCode());
        assertEquals(200, s.post("/settings", "{\"Comfy.Locale\":\"en\",\"Comfy.TutorialCompleted\":false}").statusCode());
        JsonNode all = TestServer.json(s.get("/api/settings"));
        assertEquals("1.45.19", all.get("Comfy.InstalledVersion").asText());
        assertEquals(false, all.get("Comfy.TutorialCompleted").asBoolean());
        assertEquals("\"en\"", s.get("/settings/Comfy.Locale").body());
        assertTrue(Files.readString(s.base.resolve("user/default/comfy.settings.json")).contains("Comfy.Locale"));
        assertEquals("{\"storage\":\"server\",\"migrated\":true}", s.get("/api/users").body());
    }

    @Test
    void malformed_json_bodies_are_a_400_json_error_and_change_nothing() {
        s.post("/api/settings/Keep", "1");
        for (String[] call : new String[][] {{"/api/settings", "{not json"}, {"/api/settings", "[1,2]"},
                {"/api/settings/Keep", "{\"unterminated\": "}, {"/api/settings/Keep", ""}, {"/api/users", "nope"}}) {
            var r = s.post(call[0], call[1]);
            assertEquals(400, r.statusCode(), call[0] + " " + call[1] + " -> " + r.body());
            JsonNode error = TestServer.json(r).get("error");
            assertEquals("invalid_json", error.get("type").asText());
            assertTrue(!r.body().contains("at org."), "no stack trace on the wire: " + r.body());
        }
        assertEquals("1", s.get("/api/settings/Keep").body());
    }

    @Test
    void a_corrupt_settings_file_reads_as_empty() throws Exception {
        Files.createDirectories(s.base.resolve("user/default"));
        Files.writeString(s.base.resolve("user/default/comfy.settings.json"), "{broken");
        assertEquals("{}", s.get("/api/settings").body());
    }

    @Test
    void a_created_user_gets_a_sanitised_unique_id_and_duplicates_are_refused() throws Exception {
        var r = s.post("/api/users", "{\"username\":\"Bob Smith!\"}");
        assertEquals(200, r.statusCode(), r.body());
        String id = TestServer.json(r).asText();
        assertTrue(id.matches("Bob-Smith-_[0-9a-f-]{36}"), id);
        assertEquals("Bob Smith!", Json.MAPPER.readTree(s.base.resolve("user/users.json").toFile()).get(id).asText());
        var dup = s.post("/api/users", "{\"username\":\"Bob Smith!\"}");
        assertEquals(400, dup.statusCode());
        assertEquals("Duplicate username.", TestServer.json(dup).get("error").asText());
        assertEquals(400, s.post("/api/users", "{\"username\":\"__system\"}").statusCode());
        assertEquals(400, s.post("/api/users", "{\"username\":\"\"}").statusCode());
    }
}
