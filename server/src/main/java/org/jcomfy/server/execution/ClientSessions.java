package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jcomfy.server.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected {@code /ws} clients by sid. A client's first text frame may carry its
 * {@code feature_flags}; later frames are ignored. Messages for a sid that is not connected are
 * dropped, as ComfyUI does. Sends to one socket are serialised so frames keep their order.
 */
final class ClientSessions {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSessions.class);

    private static final class Client {
        final WsContext socket;
        volatile JsonNode flags;
        volatile boolean firstFrameSeen;

        Client(WsContext socket) { this.socket = socket; }
    }

    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Supplier<ObjectNode> serverFlags;

    ClientSessions(Supplier<ObjectNode> serverFlags) { this.serverFlags = serverFlags; }

    /** Registers the socket under {@code ?clientId=} or a fresh 32-hex sid, and returns the sid. */
    String connect(WsConnectContext ctx) {
        String sid = ctx.queryParam("clientId");
        if (sid == null || sid.isEmpty()) sid = UUID.randomUUID().toString().replace("-", "");
        ctx.attribute("sid", sid);
        clients.put(sid, new Client(ctx));
        return sid;
    }

    void message(WsMessageContext ctx) {
        String sid = ctx.attribute("sid");
        Client client = sid == null ? null : clients.get(sid);
        if (client == null || client.socket.sessionId() != null && !client.socket.sessionId().equals(ctx.sessionId())) return;
        if (client.firstFrameSeen) return;
        client.firstFrameSeen = true;
        try {
            JsonNode m = Json.MAPPER.readTree(ctx.message());
            if ("feature_flags".equals(m.path("type").asText())) {
                client.flags = m.path("data");
                send(sid, "feature_flags", serverFlags.get());
            }
        } catch (Exception e) {
            LOG.debug("ignoring a WebSocket frame that is not JSON from {}", sid);
        }
    }

    void close(WsCloseContext ctx) {
        String sid = ctx.attribute("sid");
        if (sid != null) clients.computeIfPresent(sid, (k, c) -> c.socket.sessionId().equals(ctx.sessionId()) ? null : c);
    }

    /** Whether {@code sid} advertised {@code supports_preview_metadata: true}. */
    boolean supportsPreviewMetadata(String sid) {
        Client c = clients.get(sid);
        return c != null && c.flags != null && c.flags.path("supports_preview_metadata").isBoolean()
                && c.flags.path("supports_preview_metadata").booleanValue();
    }

    /** A JSON message to {@code sid}, or to everyone when {@code sid} is null. */
    void send(String sid, String type, JsonNode data) {
        List<Map.Entry<String, Client>> targets = targets(sid);
        if (targets.isEmpty()) return; // nobody listens: spare the serialisation (a long prompt sends many)
        String text = Json.message(type, data);
        for (Map.Entry<String, Client> e : targets) deliver(e.getValue(), c -> {
            c.socket.send(text);
            return null;
        });
    }

    /** A binary frame built per recipient (its layout depends on the recipient's flags). */
    void sendBinary(String sid, Function<String, ByteBuffer> frameForSid) {
        for (Map.Entry<String, Client> e : targets(sid)) {
            ByteBuffer frame = frameForSid.apply(e.getKey());
            deliver(e.getValue(), c -> {
                c.socket.send(frame);
                return null;
            });
        }
    }

    private List<Map.Entry<String, Client>> targets(String sid) {
        if (sid == null) return List.copyOf(clients.entrySet());
        Client c = clients.get(sid);
        return c == null ? List.of() : List.of(Map.entry(sid, c));
    }

    private static void deliver(Client client, Function<Client, Void> action) {
        synchronized (client) {
            try {
                action.apply(client);
            } catch (RuntimeException e) {
                LOG.debug("could not send to a WebSocket client: {}", e.toString());
            }
        }
    }
}
