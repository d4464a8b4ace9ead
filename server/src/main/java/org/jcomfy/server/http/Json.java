package org.jcomfy.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapper of the HTTP side, and the two things handlers do with it: answer with a
 * JSON value, and read a request body as JSON (a body that is not JSON is the client's fault: 400).
 * Object nodes keep insertion order, so key order on the wire is the order values were put.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static ObjectNode object() { return MAPPER.createObjectNode(); }

    public static ArrayNode array() { return MAPPER.createArrayNode(); }

    public static JsonNode tree(Object value) { return MAPPER.valueToTree(value); }

    /** Answers {@code value} as {@code application/json}. */
    public static void send(Context ctx, Object value) {
        try {
            ctx.contentType("application/json; charset=utf-8").result(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the response: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The request body parsed as JSON, whatever the Content-Type says (the frontend often sends
     * none). An empty or malformed body answers 400 with a JSON error.
     */
    public static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) throw ApiError.badRequest("invalid_json", "The request body is empty; JSON was expected.");
        try {
            return MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_json", "The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Like {@link #body} but demands a JSON object. */
    public static ObjectNode objectBody(Context ctx) {
        JsonNode body = body(ctx);
        if (!(body instanceof ObjectNode o)) {
            throw ApiError.badRequest("invalid_json", "The request body must be a JSON object, not " + body.getNodeType().name().toLowerCase() + ".");
        }
        return o;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
