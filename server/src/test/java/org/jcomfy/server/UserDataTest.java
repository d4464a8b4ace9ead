package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserDataTest {
    TestServer s;
    Path userRoot;

    @BeforeEach
    void start() {
        s = TestServer.start();
        userRoot = s.base.resolve("user/default");
    }

    @AfterEach
    void stop() { s.close(); }

    @Test
    void a_workflow_saved_with_an_encoded_slash_lands_in_its_subfolder_and_reads_back() throws Exception {
        var r = s.post("/api/userdata/workflows%2Fmy%20flow.json?overwrite=false&full_info=true", "{\"nodes\":[]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode info = TestServer.json(r);
        assertEquals("workflows/my flow.json", info.get("path").asText());
        assertEquals(12, info.get("size").asLong());
        assertTrue(info.get("modified").isIntegralNumber());
        assertEquals("{\"nodes\":[]}", Files.readString(userRoot.resolve("workflows/my flow.json")));

        var read = s.get("/api/userdata/workflows%2Fmy%20flow.json");
        assertEquals(200, read.statusCode());
        assertEquals("{\"nodes\":[]}", read.body());
        assertEquals(200, s.get("/userdata/workflows%2Fmy%20flow.json").statusCode());
    }

    @Test
    void saving_over_an_existing_file_without_overwrite_is_a_409_and_with_it_replaces_the_file() throws Exception {
        assertEquals(200, s.post("/api/userdata/a.json", "1").statusCode());
        var conflict = s.post("/api/userdata/a.json?overwrite=false", "2");
        assertEquals(409, conflict.statusCode());
        assertEquals("File already exists", conflict.body());
        var replaced = s.post("/api/userdata/a.json?overwrite=true", "3");
        assertEquals(200, replaced.statusCode());
        assertEquals("\"a.json\"", replaced.body());
        assertEquals("3", Files.readString(userRoot.resolve("a.json")));
    }

    @Test
    void listing_a_directory_gives_relative_paths_in_the_plain_full_info_and_split_forms() throws Exception {
        s.post("/api/userdata/workflows%2Fa.json", "{}");
        s.post("/api/userdata/workflows%2Fsub%2Fb.json", "{}");
        assertEquals("[\"a.json\"]", s.get("/api/userdata?dir=workflows").body());
        assertEquals("[\"a.json\",\"sub/b.json\"]", s.get("/api/userdata?dir=workflows&recurse=true").body());
        assertEquals("[[\"a.json\",\"a.json\"],[\"sub/b.json\",\"sub\",\"b.json\"]]",
                s.get("/api/userdata?dir=workflows&recurse=true&split=true").body());
        JsonNode full = TestServer.json(s.get("/api/userdata?dir=workflows&recurse=true&split=false&full_info=true"));
        assertEquals("sub/b.json", full.get(1).get("path").asText());
        assertEquals(2, full.get(1).get("size").asLong());
    }

    @Test
    void listing_needs_a_dir_and_a_missing_dir_is_404() {
        assertEquals(400, s.get("/api/userdata").statusCode());
        assertEquals(404, s.get("/api/userdata?dir=subgraphs&recurse=true&split=false&full_info=true").statusCode());
    }

    @Test
    void a_file_is_moved_with_the_same_overwrite_rules_and_deleted() throws Exception {
        s.post("/api/userdata/workflows%2Fold.json", "x");
        s.post("/api/userdata/workflows%2Ftaken.json", "y");
        assertEquals(409, s.post("/api/userdata/workflows%2Fold.json/move/workflows%2Ftaken.json?overwrite=false", "").statusCode());
        var moved = s.post("/api/userdata/workflows%2Fold.json/move/workflows%2Fnew.json?full_info=true", "");
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals("workflows/new.json", TestServer.json(moved).get("path").asText());
        assertFalse(Files.exists(userRoot.resolve("workflows/old.json")));
        assertEquals(404, s.post("/api/userdata/workflows%2Fold.json/move/workflows%2Fx.json", "").statusCode());

        assertEquals(204, s.delete("/api/userdata/workflows%2Fnew.json").statusCode());
        assertEquals(404, s.delete("/api/userdata/workflows%2Fnew.json").statusCode());
        assertEquals(404, s.get("/api/userdata/workflows%2Fnew.json").statusCode());
    }

    @Test
    void names_that_leave_the_user_directory_are_refused() throws Exception {
        Files.writeString(s.base.resolve("user/secret.txt"), "no");
        for (String escape : new String[] {"..%2Fsecret.txt", "%2E%2E%2Fsecret.txt", "%2Fetc%2Fpasswd", "a%2F..%2F..%2Fsecret.txt"}) {
            var r = s.get("/api/userdata/" + escape);
            assertEquals(403, r.statusCode(), escape + " -> " + r.body());
            assertEquals(403, s.post("/api/userdata/" + escape, "overwritten").statusCode(), escape);
        }
        assertEquals(403, s.get("/api/userdata?dir=..").statusCode());
        assertEquals("no", Files.readString(s.base.resolve("user/secret.txt")));
    }

    @Test
    void a_symlink_out_of_the_user_directory_is_refused() throws Exception {
        Path outside = Files.createDirectories(s.base.resolve("outside"));
        Files.writeString(outside.resolve("x.json"), "secret");
        Files.createDirectories(userRoot);
        Files.createSymbolicLink(userRoot.resolve("link"), outside);
        assertEquals(403, s.get("/api/userdata/link%2Fx.json").statusCode());
        assertEquals(403, s.post("/api/userdata/link%2Fy.json", "z").statusCode());
        assertFalse(Files.exists(outside.resolve("y.json")));
    }

    @Test
    void the_v2_listing_puts_directories_first_and_reports_missing_ones() throws Exception {
        assertEquals("[]", s.get("/api/v2/userdata").body());
        s.post("/api/userdata/b.json", "{}");
        s.post("/api/userdata/a%2Fc.json", "{}");
        JsonNode list = TestServer.json(s.get("/api/v2/userdata?path="));
        assertEquals("a", list.get(0).get("name").asText());
        assertEquals("directory", list.get(0).get("type").asText());
        assertEquals("b.json", list.get(1).get("path").asText());
        assertEquals(2, list.get(1).get("size").asLong());
        assertEquals("a/c.json", TestServer.json(s.get("/api/v2/userdata?path=a")).get(0).get("path").asText());
        assertEquals(404, s.get("/api/v2/userdata?path=missing").statusCode());
        assertEquals(400, s.get("/api/v2/userdata?path=b.json").statusCode());
        assertEquals(403, s.get("/api/v2/userdata?path=..").statusCode());
    }
}
