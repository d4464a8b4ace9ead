package org.jcomfy.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's feature flags: served at {@code /features} and sent in reply to the WebSocket
 * {@code feature_flags} handshake. jcomfy previews with metadata, has no node replacements and
 * no asset database, and does not advertise the prompt-id text-frame layout.
 */
public final class FeatureFlags {
    private FeatureFlags() {}

    public static Map<String, Object> of(ServerOptions options) {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("supports_preview_metadata", true);
        flags.put("max_upload_size", maxUploadBytes(options));
        flags.put("node_replacements", false);
        flags.put("assets", false);
        return flags;
    }

    /** {@code --max-upload-size} in bytes. */
    public static long maxUploadBytes(ServerOptions options) {
        return Math.round(options.maxUploadSizeMb() * 1024 * 1024);
    }
}
