package org.jcomfy.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error the client caused, carried to {@link ErrorResponses} which writes it. The body is in
 * one of ComfyUI's shapes: the typed one {@code {"error":{"type","message","details","extra_info"}}},
 * the one of a refused prompt {@code {"error":{...},"node_errors":{...}}}, the short one
 * {@code {"error":"..."}} that several upstream routes use, plain text where
 * ComfyUI answers text (409 "File already exists"), or nothing (ComfyUI's bare 400/403).
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final JsonNode json;
    private final String text;

    private ApiError(int status, String message, JsonNode json, String text) {
        super(message, null, false, false);
        this.status = status;
        this.json = json;
        this.text = text;
    }

    public int status() { return status; }

    /** The JSON body, or null when the answer is text or empty. */
    public JsonNode json() { return json; }

    /** The text body, or null. */
    public String text() { return text; }

    /** {@code {"error":{"type","message","details","extra_info":{}}}}. */
    public static ApiError typed(int status, String type, String message, String details) {
        ObjectNode body = Json.object();
        body.set("error", ErrorJson.of(type, message, details, null));
        return new ApiError(status, message, body, null);
    }

    /** A refused {@code POST /prompt}: 400 {@code {"error": E, "node_errors": N}}. */
    public static ApiError prompt(ObjectNode error, ObjectNode nodeErrors) {
        return new ApiError(400, error.path("message").asText(), ErrorJson.response(error, nodeErrors), null);
    }

    /** A refused {@code POST /prompt} with no node errors, as for {@code no_prompt} and {@code invalid_prompt_id}. */
    public static ApiError prompt(String type, String message, String details) {
        return prompt(ErrorJson.of(type, message, details, null), null);
    }

    public static ApiError badRequest(String type, String message) {
        return typed(400, type, message, message);
    }

    public static ApiError notFound(String message) {
        return typed(404, "not_found", message, message);
    }

    public static ApiError forbidden(String message) {
        return typed(403, "forbidden", message, message);
    }

    /** {@code {"error":"message"}}, the shape of /users, /internal/files and the jobs routes. */
    public static ApiError simple(int status, String message) {
        ObjectNode body = Json.object();
        body.put("error", message);
        return new ApiError(status, message, body, null);
    }

    /** A plain-text answer, where ComfyUI answers text. */
    public static ApiError text(int status, String text) {
        return new ApiError(status, text, null, text);
    }

    /** A status with an empty body (the origin check's 403). */
    public static ApiError empty(int status) {
        return new ApiError(status, "HTTP " + status, null, "");
    }
}
