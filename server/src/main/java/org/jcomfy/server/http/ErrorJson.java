package org.jcomfy.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's error object {@code {"type","message","details","extra_info"}}: the one shape of
 * validation errors, of the top-level error of a refused prompt, and of every typed {@link ApiError}.
 */
public final class ErrorJson {
    private ErrorJson() {}

    public static ObjectNode of(String type, String message, String details, JsonNode extraInfo) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.put("message", message);
        e.put("details", details);
        e.set("extra_info", extraInfo == null ? Json.object() : extraInfo);
        return e;
    }

    /** {@code {"error": E, "node_errors": N}}, the body of a refused POST /prompt. */
    public static ObjectNode response(ObjectNode error, ObjectNode nodeErrors) {
        ObjectNode r = Json.object();
        r.set("error", error);
        r.set("node_errors", nodeErrors == null ? Json.object() : nodeErrors);
        return r;
    }
}
