package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.jcomfy.server.http.Json;

/**
 * What every answer to a client's mistake must be: a 4xx, {@code application/json}, in one of
 * ComfyUI's error shapes ({@code {"error":{"type","message","details","extra_info"}}}, optionally
 * with {@code node_errors}, or {@code {"error":"..."}}), and no stack trace.
 */
public final class ClientErrors {
    private ClientErrors() {}

    /** Asserts the answer is a JSON client error and returns its {@code error} value. */
    public static JsonNode assertClientError(HttpResponse<String> r, String what) {
        return assertClientError(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), what);
    }

    public static JsonNode assertClientError(RawHttp.Response r, String what) {
        return assertClientError(r.status(), r.contentType(), r.body(), what);
    }

    public static JsonNode assertClientError(int status, String contentType, String body, String what) {
        String seen = what + " -> " + status + " " + contentType + ": " + abbreviated(body);
        assertTrue(status >= 400 && status < 500, "a 4xx: " + seen);
        assertTrue(contentType.startsWith("application/json"), "JSON: " + seen);
        assertNoStackTrace(body, seen);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + seen, e);
        }
        JsonNode error = json.get("error");
        assertTrue(error != null && (error.isTextual() || isErrorObject(error)), "ComfyUI's error shape: " + seen);
        return error;
    }

    /** {@code {"type","message","details","extra_info"}}, strings and an object. */
    public static boolean isErrorObject(JsonNode e) {
        return e.isObject() && e.path("type").isTextual() && e.path("message").isTextual() && e.path("details").isTextual()
                && e.path("extra_info").isObject();
    }

    public static void assertNoStackTrace(String body, String seen) {
        assertFalse(body.matches("(?s).*\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(.*"), "no stack trace on the wire: " + seen);
        assertFalse(body.contains("<html") || body.contains("<HTML"), "no HTML page: " + seen);
    }

    static String abbreviated(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
