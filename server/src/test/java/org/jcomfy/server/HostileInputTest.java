package org.jcomfy.server;

import static org.jcomfy.server.ClientErrors.assertClientError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of client mistake found by probing the server as an attacker or a careless client
 * would (issue 8), sent through real HTTP: each is a 4xx in ComfyUI's JSON error shape, with no
 * stack trace and no HTML page, and leaves nothing behind.
 */
class HostileInputTest {
    static TestServer s;

    static final List<String> BAD_JSON_BODIES = List.of("", "   ", "{not json", "[]", "42", "\"text\"", "null", "true",
            "NaN", "{\"a\": NaN}", "{\"a\": Infinity}", "{\"clear\": true} trailing", deepArray(5000), deepObject(5000),
            "{\"a\":\"\\ud800", "\u00ff\u00fe");

    @BeforeAll static void start() { s = TestServer.start("--max-upload-size", "1"); }

    @AfterAll static void stop() { s.close(); }

    static String deepArray(int depth) { return "[".repeat(depth) + "]".repeat(depth); }

    static String deepObject(int depth) { return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth); }

    static String numberPrompt() {
        return "{\"1\":{\"class_type\":\"TestNumber\",\"inputs\":{\"value\":3}},\"2\":{\"class_type\":\"TestSink\",\"inputs\":{\"value\":[\"1\",0]}}}";
    }

    @Test
    void bodies_that_are_not_a_json_object_are_400s_on_prompt_queue_and_history() {
        for (String route : List.of("/prompt", "/queue", "/history")) {
            for (String prefix : List.of("", "/api")) {
                for (String body : BAD_JSON_BODIES) {
                    assertClientError(s.post(prefix + route, body), "POST " + prefix + route + " " + ClientErrors.abbreviated(body));
                }
            }
        }
        assertEquals(200, s.get("/system_stats").statusCode());
    }

    @Test
    void a_prompt_or_number_of_the_wrong_type_is_a_400_in_the_prompt_shape() {
        for (String prompt : List.of("[]", "\"x\"", "5", "true", "[1,2]")) {
            var r = s.post("/prompt", "{\"prompt\":" + prompt + "}");
            assertEquals("invalid_prompt", assertClientError(r, "prompt " + prompt).path("type").asText());
            assertTrue(TestServer.json(r).get("node_errors").isObject(), r.body());
        }
        for (String number : List.of("\"abc\"", "[]", "{}", "null", "\"nan\"", "\"inf\"", "1e999")) {
            var r = s.post("/prompt", "{\"prompt\":" + numberPrompt() + ",\"number\":" + number + "}");
            assertEquals("invalid_number", assertClientError(r, "number " + number).path("type").asText());
        }
        var targets = s.post("/prompt", "{\"prompt\":" + numberPrompt() + ",\"partial_execution_targets\":\"2\"}");
        assertClientError(targets, "partial_execution_targets as a string");
        assertEquals(200, s.post("/prompt", "{\"prompt\":" + numberPrompt() + ",\"number\":\"2.5\"}").statusCode(),
                "float(\"2.5\") is a valid priority, as upstream");
    }

    @Test
    void uploads_that_are_not_multipart_or_are_cut_short_are_400s_and_leave_nothing() throws Exception {
        byte[] png = Images.png(Images.argb(2, 2, (x, y) -> 0xff00ff00));
        TestServer.Multipart form = new TestServer.Multipart().file("image", "cut.png", "image/png", png);
        byte[] whole = form.body();
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
        for (String route : List.of("/upload/image", "/upload/mask", "/api/upload/image", "/api/upload/mask")) {
            assertClientError(s.post(route, "plain text", "Content-Type", "text/plain"), route + " text/plain");
            assertClientError(s.post(route, "{}", "Content-Type", "application/json"), route + " JSON");
            assertClientError(s.post(route, new byte[0]), route + " empty, no type");
            assertClientError(s.post(route, "garbage", "Content-Type", "multipart/form-data"), route + " no boundary");
            assertClientError(s.post(route, "garbage", "Content-Type", form.contentType()), route + " not multipart");
            assertClientError(s.post(route, truncated, "Content-Type", form.contentType()), route + " truncated");
        }
        assertFalse(Files.exists(s.base.resolve("input/cut.png")), "a truncated upload writes nothing");
        assertNoTempFiles(s.base.resolve("input"));
        assertEquals(200, s.upload("/upload/image", form).statusCode(), "the same upload, whole, works");
    }

    @Test
    void a_chunked_body_over_the_upload_limit_is_a_413_as_for_a_content_length_body() {
        byte[] spaces = new byte[1_300_000];
        java.util.Arrays.fill(spaces, (byte) ' ');
        TestServer.Multipart form = new TestServer.Multipart().file("image", "big.png", "image/png", spaces);
        for (String route : List.of("/prompt", "/api/upload/image", "/api/userdata/big.json", "/settings")) {
            boolean upload = route.contains("upload");
            byte[] body = upload ? form.body() : spaces;
            String[] type = upload ? new String[] {"Content-Type", form.contentType()} : new String[0];
            HttpResponse<String> chunked = s.send(s.builder(route, type)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
            assertEquals(413, chunked.statusCode(), route + ": " + chunked.body());
            assertClientError(chunked, "chunked body over the limit on " + route);
            HttpResponse<String> sized = s.post(route, body, type);
            assertEquals(413, sized.statusCode(), route + " with Content-Length");
            assertClientError(sized, "sized body over the limit on " + route);
        }
        assertFalse(Files.exists(s.base.resolve("user/default/big.json")));
        assertFalse(Files.exists(s.base.resolve("input/big.png")));
    }

    @Test
    void a_setting_nested_1000_deep_is_a_400_and_leaves_no_temp_file() throws Exception {
        for (String route : List.of("/settings/deep", "/api/settings/deep")) {
            assertClientError(s.post(route, deepArray(1000)), route);
            assertClientError(s.post(route, "{\"v\":" + deepObject(1000) + "}"), route + " object");
        }
        assertClientError(s.post("/settings", "{\"deep\":" + deepArray(1000) + "}"), "POST /settings");
        assertNoTempFiles(s.base.resolve("user"));
        assertEquals(200, s.post("/settings/fine", deepArray(100)).statusCode(), "a plausible depth still works");
        assertEquals(deepArray(100), s.get("/settings/fine").body());
        assertNoTempFiles(s.base.resolve("user"));
    }

    @Test
    void user_file_names_too_long_or_with_control_characters_are_400s() throws Exception {
        String longName = "a".repeat(300) + ".json";
        for (String name : List.of(longName, "workflows%2F" + longName, "a%00b.json", "a%0Ab.json", "a%0Db.json", "tab%09.json")) {
            assertClientError(s.post("/api/userdata/" + name, "{}"), "write " + name);
            assertClientError(s.get("/api/userdata/" + name), "read " + name);
            assertClientError(s.delete("/api/userdata/" + name), "delete " + name);
            assertClientError(s.post("/api/userdata/ok.json/move/" + name, ""), "move to " + name);
        }
        assertClientError(s.get("/api/userdata?dir=" + longName), "list " + longName);
        assertClientError(s.get("/api/userdata?dir=a%00b"), "list a NUL name");
        assertClientError(s.get("/api/v2/userdata?path=a%0Ab"), "v2 list a newline name");
        assertNoTempFiles(s.base.resolve("user"));
        assertEquals(200, s.post("/api/userdata/workflows%2Fok.json", "{}").statusCode());
    }

    @Test
    void upload_names_too_long_or_with_control_characters_are_400s() throws Exception {
        byte[] png = Images.png(Images.argb(2, 2, (x, y) -> 0xff0000ff));
        for (String name : List.of("b".repeat(300) + ".png", "a\u0000b.png", "a\rb.png", "x\u0007.png")) {
            var form = new TestServer.Multipart().file("image", name, "image/png", png);
            assertClientError(s.upload("/api/upload/image", form), "upload " + name.replace("\u0000", "\\0"));
        }
        for (String sub : List.of("c".repeat(300), "a\u0000b", "x\ny")) {
            var form = new TestServer.Multipart().file("image", "ok.png", "image/png", png).field("subfolder", sub);
            assertClientError(s.upload("/api/upload/image", form), "subfolder " + sub.replace("\u0000", "\\0"));
        }
        try (Stream<Path> files = Files.list(s.base.resolve("input"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().matches("(bbbb|cccc|a.b|x).*")), "nothing was written");
        }
        assertNoTempFiles(s.base.resolve("input"));
    }

    @Test
    void view_refuses_bad_names_qualities_and_ranges_with_json() throws Exception {
        Files.write(s.base.resolve("output/ten.bin"), new byte[10]);
        Files.write(s.base.resolve("output/img.png"), Images.png(Images.argb(3, 2, (x, y) -> 0x80ff0000)));
        assertClientError(s.get("/view?filename=a%00b.png"), "NUL in filename");
        assertClientError(s.get("/view?filename=a%0Ab.png"), "newline in filename");
        assertClientError(s.get("/view?filename=img.png&subfolder=a%00b"), "NUL in subfolder");
        assertClientError(s.get("/view?filename=" + "x".repeat(300)), "300-character name");
        assertClientError(s.get("/view?filename=img.png&preview=jpeg;99999999999999999999"), "huge quality");
        assertClientError(s.get("/view?filename=img.png&preview=webp;101"), "quality over 100");
        assertEquals(200, s.get("/view?filename=img.png&preview=jpeg;80").statusCode());
        assertEquals(200, s.get("/view?filename=img.png&preview=jpeg;best").statusCode(), "a non-number means the default, as upstream");
        for (String range : List.of("bytes=99999999999999999999-", "bytes=99999999999999999999-99999999999999999999",
                "bytes=20-30", "bytes=10-", "bytes=5-2")) {
            var r = s.get("/view?filename=ten.bin", "Range", range);
            assertEquals(416, r.statusCode(), range + ": " + r.body());
            assertClientError(r, "Range " + range);
            assertEquals("bytes */10", r.headers().firstValue("Content-Range").orElse(""), range);
        }
        assertEquals(206, s.get("/view?filename=ten.bin", "Range", "bytes=8-").statusCode());
        assertEquals(10, s.getBytes("/view?filename=ten.bin", "Range", "bytes=0-99999999999999999999").body().length,
                "an end past the file is clamped to it (RFC 9110)");
        assertEquals(10, s.getBytes("/view?filename=ten.bin", "Range", "bytes=-99999999999999999999").body().length,
                "a suffix longer than the file is all of it");
    }

    @Test
    void preview_and_channel_of_a_broken_or_enormous_png_are_400s_without_decoding() throws Exception {
        byte[] png = Images.png(Images.argb(64, 64, (x, y) -> 0xff000000 | x * 4 << 16 | y * 4));
        Files.write(s.base.resolve("output/truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Files.write(s.base.resolve("output/huge.png"), pngHeaderOnly(40000, 40000));
        Files.write(s.base.resolve("output/notpng.png"), "not a picture".getBytes(StandardCharsets.UTF_8));
        for (String file : List.of("truncated.png", "huge.png", "notpng.png")) {
            for (String query : List.of("&preview=webp", "&preview=jpeg;50", "&channel=rgb", "&channel=a", "&channel=rgba&preview=webp")) {
                assertClientError(s.get("/view?filename=" + file + query), file + query);
            }
            assertEquals(200, s.get("/view?filename=" + file).statusCode(), "the raw bytes are still served");
        }
        var mask = new TestServer.Multipart().file("image", "m.png", "image/png", png)
                .field("original_ref", "{\"filename\":\"huge.png\",\"type\":\"output\"}");
        assertClientError(s.upload("/upload/mask", mask), "a mask over an enormous original");
    }

    @Test
    void a_websocket_upgrade_with_a_malformed_client_id_is_refused_with_a_json_400() {
        // java.net.URI refuses these escapes, so the JDK's WebSocket client cannot even send them: a raw upgrade.
        for (String id : List.of("%", "%ZZ", "%E0%A4%A")) {
            var r = RawHttp.exchange(s.port(), "GET /ws?clientId=" + id + " HTTP/1.1\r\nHost: 127.0.0.1:" + s.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                    + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            assertEquals(400, r.status(), "clientId=" + id + ": " + r.body());
            assertClientError(r, "upgrade with clientId=" + id);
            assertClientError(RawHttp.get(s.port(), "/api/ws?clientId=" + id), "plain GET /api/ws?clientId=" + id);
        }
    }

    @Test
    void jettys_own_refusals_are_json_not_html_pages() {
        for (String path : List.of("/api/userdata/a%00b", "/api/history/%", "/api/history/%ZZ", "/extensions/jcomfy/../../etc/passwd",
                "/%2e%2e/x", "/api/view?filename=%", "/a/%2e%2e/%2e%2e/etc/passwd", "/..;/x", "/%00", "/api/prompt?x=%E0%A4%A")) {
            var r = RawHttp.get(s.port(), path);
            assertClientError(r, "GET " + path);
        }
    }

    @Test
    void a_request_without_a_host_is_a_json_400() {
        var http10 = RawHttp.exchange(s.port(), "GET /api/system_stats HTTP/1.0\r\n\r\n");
        assertTrue(http10.status() == 200 || http10.status() == 400, "HTTP/1.0 may omit Host: " + http10.status());
        if (http10.status() != 200) assertClientError(http10, "HTTP/1.0 without Host");
        assertClientError(RawHttp.exchange(s.port(), "GET /api/system_stats HTTP/1.1\r\nConnection: close\r\n\r\n"), "HTTP/1.1 without Host");
        assertClientError(RawHttp.exchange(s.port(), "GET /api/system_stats HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"),
                "two Hosts");
        assertClientError(RawHttp.exchange(s.port(), "BLAH\r\n\r\n"), "not a request line");
        assertEquals(200, s.get("/api/system_stats").statusCode());
    }

    /** A PNG whose header claims {@code w x h} pixels, followed by a tiny IDAT and IEND (a decompression bomb's shape). */
    static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.write(new byte[] {8, 6, 0, 0, 0}); // 8-bit RGBA
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    static void assertNoTempFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> tmp = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), tmp, "temporary files left in " + dir);
        }
    }
}
