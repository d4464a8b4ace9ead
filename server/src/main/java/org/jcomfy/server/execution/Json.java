package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * The execution side's JSON helpers on the server's one mapper ({@link org.jcomfy.server.http.Json}):
 * integer nodes for validation, and the WebSocket message envelope.
 */
public final class Json {
    public static final ObjectMapper MAPPER = org.jcomfy.server.http.Json.MAPPER;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static ObjectNode object() { return org.jcomfy.server.http.Json.object(); }

    public static ArrayNode array() { return org.jcomfy.server.http.Json.array(); }

    /** An integer node of the smallest kind (int, long, big), so equal numbers give equal nodes. */
    static JsonNode integer(BigInteger v) {
        if (v.bitLength() < 32) return NODES.numberNode(v.intValue());
        if (v.bitLength() < 64) return NODES.numberNode(v.longValue());
        return NODES.numberNode(v);
    }

    static long nowMillis() { return System.currentTimeMillis(); }

    /** {@code {"type": T, "data": D}}, the envelope of every WebSocket JSON message. */
    static String message(String type, JsonNode data) {
        ObjectNode m = object();
        m.put("type", type);
        m.set("data", data);
        return m.toString();
    }
}
