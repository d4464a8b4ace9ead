package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jcomfy.server.ServerOptions;

/**
 * The flags this server answers the WebSocket {@code feature_flags} handshake with. Preview
 * metadata (binary type 4) is supported; node replacements and the asset database are not.
 */
public final class ServerFeatureFlags {
    private ServerFeatureFlags() {}

    public static ObjectNode of(ServerOptions options) {
        ObjectNode flags = Json.object();
        flags.put("supports_preview_metadata", true);
        flags.put("max_upload_size", options.maxUploadSizeMb() * 1024 * 1024);
        flags.put("node_replacements", false);
        flags.put("assets", false);
        return flags;
    }
}
