package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.jcomfy.server.http.Json;

/**
 * The WebSocket events of one running prompt, addressed as ComfyUI addresses them: to the
 * submitting client only, or to the client and to everyone when the prompt has none. The
 * lifecycle events ({@code execution_*}) are also kept for the history entry's status messages.
 */
final class PromptEvents {
    private final ClientSessions sessions;
    private final String clientId;
    private final ArrayNode messages = Json.array();

    PromptEvents(ClientSessions sessions, String clientId) {
        this.sessions = sessions;
        this.clientId = clientId;
    }

    String clientId() { return clientId; }

    /** Sent only when the prompt has a client. */
    void toClient(String type, ObjectNode data) {
        if (clientId != null) sessions.send(clientId, type, data);
    }

    /** Sent to the client, or broadcast when there is none. */
    void toClientOrEveryone(String type, ObjectNode data) { sessions.send(clientId, type, data); }

    void binaryToClientOrEveryone(Function<String, ByteBuffer> frameForSid) { sessions.sendBinary(clientId, frameForSid); }

    /** ComfyUI's {@code add_message}: stamps the data, keeps it for history, and sends it. */
    ObjectNode lifecycle(String event, ObjectNode data, boolean broadcast) {
        data.put("timestamp", System.currentTimeMillis());
        ArrayNode pair = messages.addArray();
        pair.add(event);
        pair.add(data);
        if (clientId != null || broadcast) sessions.send(clientId, event, data);
        return data;
    }

    ArrayNode messages() { return messages; }
}
