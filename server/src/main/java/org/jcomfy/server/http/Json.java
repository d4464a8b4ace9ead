package org.jcomfy.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The server's one JSON mapper and what handlers do with it: answer with a JSON value, read a
 * request body as JSON (a body that is not JSON is the client's fault: 400), build nodes.
 * Object nodes keep insertion order, so key order on the wire is the order values were put.
 */
public final class Json {
    /**
     * How deep a client's JSON may nest. Real prompts and workflows nest a few dozen levels; the
     * limit sits well under Jackson's write limit (1000), so anything accepted can be stored inside
     * a settings file or a history entry and written back out without failing halfway.
     */
    public static final int MAX_NESTING_DEPTH = 256;

    /**
     * Strict JSON: no NaN or Infinity (not JSON, and no client sends them), no trailing data after
     * the value (Python's {@code json.loads} refuses it too), nesting bounded by {@link #MAX_NESTING_DEPTH}.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private Json() {}

    public static ObjectNode object() { return MAPPER.createObjectNode(); }

    public static ArrayNode array() { return MAPPER.createArrayNode(); }

    public static JsonNode tree(Object value) { return MAPPER.valueToTree(value); }

    /** An integer node of the smallest kind (int, long, big), so equal numbers give equal nodes. */
    public static JsonNode integer(BigInteger v) {
        if (v.bitLength() < 32) return NODES.numberNode(v.intValue());
        if (v.bitLength() < 64) return NODES.numberNode(v.longValue());
        return NODES.numberNode(v);
    }

    /** {@code {"type": T, "data": D}}, the envelope of every WebSocket JSON message. */
    public static String message(String type, JsonNode data) {
        ObjectNode m = object();
        m.put("type", type);
        m.set("data", data);
        return m.toString();
    }

    /** Answers {@code value} as {@code application/json}. */
    public static void send(Context ctx, Object value) {
        try {
            ctx.contentType("application/json; charset=utf-8").result(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the response: " + e.getOriginalMessage(), e);
        }
    }

    /** Answers {@code value} as {@code application/json} with {@code status}. */
    public static void send(Context ctx, int status, Object value) {
        ctx.status(status);
        send(ctx, value);
    }

    /**
     * The request body parsed as JSON, whatever the Content-Type says (the frontend often sends
     * none). An empty, malformed or too deeply nested body answers 400 with a JSON error.
     */
    public static JsonNode body(Context ctx) {
        return parse(ctx.bodyAsBytes(), "The request body");
    }

    /** Like {@link #body}, but an empty body is no error: null (as for {@code POST /interrupt} without one). */
    public static JsonNode optionalBody(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        return isBlank(bytes) ? null : parse(bytes, "The request body");
    }

    /** Like {@link #body} but demands a JSON object. */
    public static ObjectNode objectBody(Context ctx) {
        return requireObject(body(ctx), "The request body");
    }

    /** {@code bytes} parsed as JSON; {@code what} names them in the 400 when they are not JSON. */
    public static JsonNode parse(byte[] bytes, String what) {
        try {
            return present(MAPPER.readTree(bytes), what);
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_json", what + " is not valid JSON: " + firstLine(e));
        }
    }

    /** {@code text} parsed as JSON; {@code what} names it in the 400 when it is not JSON. */
    public static JsonNode parse(String text, String what) {
        try {
            return present(MAPPER.readTree(text), what);
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_json", what + " is not valid JSON: " + firstLine(e));
        }
    }

    /** Jackson reads blank input as a "missing" node rather than failing; for a client that is no JSON at all. */
    private static JsonNode present(JsonNode value, String what) {
        if (value == null || value.isMissingNode()) throw ApiError.badRequest("invalid_json", what + " is empty; JSON was expected.");
        return value;
    }

    /** {@code value} when it is a JSON object, else a 400 that says what it was. */
    public static ObjectNode requireObject(JsonNode value, String what) {
        if (value instanceof ObjectNode o) return o;
        throw ApiError.badRequest("invalid_json", what + " must be a JSON object, not " + kind(value) + ".");
    }

    /** "string", "array", "number", ... as a message names a JSON value's kind. */
    public static String kind(JsonNode value) {
        return value == null || value.isMissingNode() ? "nothing" : value.getNodeType().name().toLowerCase();
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) if (b != ' ' && b != '\t' && b != '\r' && b != '\n') return false;
        return true;
    }

    /** Jackson's message without its source excerpt (which would echo the client's bytes back). */
    private static String firstLine(IOException e) {
        String s = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (s == null) return e.getClass().getSimpleName();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
