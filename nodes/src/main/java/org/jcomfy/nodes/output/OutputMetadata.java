package org.jcomfy.nodes.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.nodes.api.ExecutionContext;

/**
 * The metadata ComfyUI embeds in saved files so they can be dragged back into the UI:
 * {@code prompt} (the API prompt) and one entry per {@code extra_pnginfo} key
 * ({@code workflow}, the UI graph), each as compact JSON text.
 */
public final class OutputMetadata {
    private OutputMetadata() {}

    public static Map<String, String> of(ExecutionContext context) {
        return of(context.prompt(), context.extraPngInfo());
    }

    public static Map<String, String> of(JsonNode prompt, JsonNode extra) {
        Map<String, String> m = new LinkedHashMap<>();
        if (prompt != null && !prompt.isNull()) m.put("prompt", prompt.toString());
        if (extra != null && extra.isObject()) {
            for (Map.Entry<String, JsonNode> e : extra.properties()) m.put(e.getKey(), e.getValue().toString());
        }
        return m;
    }
}
