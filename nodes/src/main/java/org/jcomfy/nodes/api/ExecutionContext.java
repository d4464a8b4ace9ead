package org.jcomfy.nodes.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.util.Map;

/** The running prompt as seen by one executing node: progress, previews, interruption, hidden values. */
public interface ExecutionContext extends NodeEnvironment {
    String promptId();

    String nodeId();

    /** Sends a {@code progress} event (value of max) to the client; also checks for interruption. */
    void progress(long value, long max);

    /** Sends a preview frame (JPEG or PNG, as negotiated) for the running node. */
    void preview(BufferedImage image);

    /**
     * Sends a jcomfy event of {@code type} to the prompt's client (to everyone when it has none),
     * with {@code prompt_id} and {@code node} added to {@code data}; type names start with
     * {@code jcomfy.} so ComfyUI clients, which ignore unknown types, are not disturbed.
     */
    void event(String type, Map<String, Object> data);

    /** Throws {@link InterruptedException}-like {@link ExecutionInterrupted} if the user pressed cancel. */
    void checkInterrupted();

    /** The full API prompt (hidden PROMPT). */
    JsonNode prompt();

    /** {@code extra_data.extra_pnginfo} (hidden EXTRA_PNGINFO), or null. */
    JsonNode extraPngInfo();

    /** The preview method the prompt asked for ({@code auto}, {@code latent2rgb}, {@code none}, ...). */
    String previewMethod();
}
