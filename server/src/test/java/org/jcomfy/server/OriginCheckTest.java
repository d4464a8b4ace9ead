package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OriginCheckTest {

    @Test
    void a_cross_site_request_is_403_with_an_empty_body() {
        try (TestServer s = TestServer.start()) {
            HttpResponse<String> r = s.post("/api/prompt", "{}", "Sec-Fetch-Site", "cross-site");
            assertEquals(403, r.statusCode());
            assertEquals("", r.body());
            assertEquals(403, s.get("/api/object_info", "Sec-Fetch-Site", "cross-site").statusCode());
            assertEquals(200, s.get("/api/object_info", "Sec-Fetch-Site", "same-origin").statusCode());
        }
    }

    @Test
    void an_origin_that_differs_from_the_loopback_host_is_403_and_a_matching_one_passes() {
        try (TestServer s = TestServer.start()) {
            assertEquals(403, s.post("/api/settings/x", "1", "Origin", "http://evil.example").statusCode());
            assertEquals(403, s.get("/api/settings", "Origin", "http://127.0.0.1:1").statusCode(), "other port");
            assertEquals(200, s.get("/api/settings", "Origin", "http://127.0.0.1:" + s.server.port()).statusCode());
            assertEquals(200, s.get("/api/settings", "Origin", "http://127.0.0.1").statusCode(), "no port: hostnames only");
            assertEquals(200, s.get("/api/settings").statusCode(), "no Origin (API clients)");
        }
    }

    @Test
    void with_the_cors_flag_other_origins_are_allowed_and_told_so() {
        try (TestServer s = TestServer.start("--enable-cors-header", "*")) {
            HttpResponse<String> r = s.get("/api/system_stats", "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site");
            assertEquals(200, r.statusCode());
            assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("POST, GET, DELETE, PUT, OPTIONS, PATCH", r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
            assertEquals("Content-Type, Authorization", r.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
            assertEquals("true", r.headers().firstValue("Access-Control-Allow-Credentials").orElseThrow());
        }
    }

    @Test
    void a_preflight_options_request_is_an_empty_200() {
        try (TestServer s = TestServer.start("--enable-cors-header", "http://my.site")) {
            HttpResponse<String> r = s.method("OPTIONS", "/api/prompt", null, "Origin", "http://my.site");
            assertEquals(200, r.statusCode());
            assertEquals("", r.body());
            assertEquals("http://my.site", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        }
        try (TestServer s = TestServer.start()) {
            assertEquals(200, s.method("OPTIONS", "/api/upload/image", null).statusCode());
        }
    }

    @Test
    void a_refused_request_does_not_take_the_server_down() {
        try (TestServer s = TestServer.start()) {
            for (int i = 0; i < 5; i++) assertEquals(403, s.get("/api/users", "Sec-Fetch-Site", "cross-site").statusCode());
            assertTrue(s.get("/api/users").body().contains("storage"));
        }
    }
}
