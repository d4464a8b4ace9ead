package org.jcomfy.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * ComfyUI's cross-site protection, run before every request (PROTOCOL §1.1). Without
 * {@code --enable-cors-header}: a request marked {@code Sec-Fetch-Site: cross-site}, or one whose
 * {@code Origin} differs from a loopback {@code Host}, gets an empty 403, so a web page cannot
 * queue prompts on a local server. With the flag: CORS headers on every answer and no check.
 * {@code OPTIONS} always gets an empty 200.
 */
public final class OriginGuard {
    private OriginGuard() {}

    public static void check(Context ctx, String corsOrigin) {
        if (corsOrigin != null) {
            ctx.header("Access-Control-Allow-Origin", corsOrigin);
            ctx.header("Access-Control-Allow-Methods", "POST, GET, DELETE, PUT, OPTIONS, PATCH");
            ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization");
            ctx.header("Access-Control-Allow-Credentials", "true");
        } else {
            if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
                refuse(ctx, "a cross-site request (Sec-Fetch-Site: cross-site)");
            }
            String host = ctx.header("Host");
            String origin = ctx.header("Origin");
            if (host != null && origin != null && !hostMatchesOrigin(host, origin)) {
                refuse(ctx, "Host '" + host + "' and Origin '" + origin + "' differ");
            }
        }
        if (ctx.method() == HandlerType.OPTIONS) {
            ctx.status(200).result("");
            ctx.skipRemainingHandlers();
        }
    }

    private static void refuse(Context ctx, String why) {
        System.err.println("jcomfy: refused " + ctx.method() + " " + ctx.path() + ": " + why
                + " (start with --enable-cors-header to allow other origins)");
        throw ApiError.empty(403);
    }

    /** Upstream's rule: only a loopback Host is checked; ports are compared only when both sides carry one. */
    static boolean hostMatchesOrigin(String host, String origin) {
        URI hostUri, originUri;
        try {
            hostUri = URI.create("//" + host.toLowerCase(Locale.ROOT));
            originUri = URI.create(origin.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false; // unparsable headers are not worth the risk
        }
        String hostName = stripBrackets(hostUri.getHost());
        String originName = stripBrackets(originUri.getHost());
        if (hostName == null || !isLoopback(hostName)) return true;
        if (originName == null) return false;
        boolean bothPorts = hostUri.getPort() >= 0 && originUri.getPort() >= 0;
        if (!hostName.equals(originName)) return false;
        return !bothPorts || hostUri.getPort() == originUri.getPort();
    }

    private static String stripBrackets(String h) {
        if (h != null && h.startsWith("[") && h.endsWith("]")) return h.substring(1, h.length() - 1);
        return h;
    }

    /** True when the name is a loopback address or resolves only to loopback addresses. */
    static boolean isLoopback(String hostName) {
        try {
            InetAddress[] all = InetAddress.getAllByName(hostName);
            if (all.length == 0) return false;
            for (InetAddress a : all) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
