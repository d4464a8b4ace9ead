package org.jcomfy.server.http;

import io.javalin.http.Context;

/**
 * The query string must be well-formed before anything decodes it: a {@code %} not followed by
 * two hex digits ({@code ?clientId=%}, {@code %ZZ}) makes Jetty's and Javalin's decoders throw
 * deep inside a route or a WebSocket handshake. Checked once, before every request and upgrade,
 * so such a request is a plain 400.
 */
public final class QueryString {
    private QueryString() {}

    public static void requireWellFormed(Context ctx) {
        String query = ctx.queryString();
        if (query == null) return;
        for (int i = query.indexOf('%'); i >= 0; i = query.indexOf('%', i + 1)) {
            if (i + 2 >= query.length() || !isHex(query.charAt(i + 1)) || !isHex(query.charAt(i + 2))) {
                throw ApiError.badRequest("invalid_query", "The query string has a malformed percent-escape at position " + i
                        + " ('%' must be followed by two hex digits).");
            }
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }
}
