package org.jcomfy.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    private static HttpResponse<String> get(Javalin app, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void an_unexpected_exception_is_a_json_500_that_names_it_without_a_stack_trace() throws Exception {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            ErrorResponses.register(config.routes, 1000);
            config.routes.get("/boom", ctx -> { throw new IllegalStateException("disk on fire"); });
            config.routes.get("/typed", ctx -> { throw ApiError.typed(418, "teapot", "short", "long"); });
            config.routes.get("/ok", ctx -> ctx.result("fine"));
        }).start("127.0.0.1", 0);
        try {
            HttpResponse<String> r = get(app, "/boom");
            assertEquals(500, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            assertEquals("{\"error\":{\"type\":\"server_error\",\"message\":\"Internal server error\","
                    + "\"details\":\"IllegalStateException: disk on fire\",\"extra_info\":{}}}", r.body());
            assertFalse(r.body().contains("at org."));
            assertEquals("{\"error\":{\"type\":\"teapot\",\"message\":\"short\",\"details\":\"long\",\"extra_info\":{}}}", get(app, "/typed").body());
            assertEquals("fine", get(app, "/ok").body());
        } finally {
            app.stop();
        }
    }

    @Test
    void cache_headers_follow_comfyuis_table() {
        assertEquals("no-store", CacheControl.headerFor("/assets/app.js", 200));
        assertEquals("no-store", CacheControl.headerFor("/x/STYLE.CSS", 404));
        assertEquals("no-store", CacheControl.headerFor("/templates/index.en.json", 200));
        assertEquals("public, max-age=86400", CacheControl.headerFor("/a/b.WEBP", 200));
        assertEquals("public, max-age=86400", CacheControl.headerFor("/a/b.png", 301));
        assertEquals("public, max-age=3600", CacheControl.headerFor("/a/b.jpg", 404));
        assertEquals("no-cache", CacheControl.headerFor("/a/b.jpeg", 307));
        assertEquals(null, CacheControl.headerFor("/a/b.png", 304));
        assertEquals(null, CacheControl.headerFor("/api/view", 200));
    }
}
