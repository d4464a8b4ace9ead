package org.jcomfy.nodes.output;

import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of a UI {@code images} list: {@code {"filename", "subfolder", "type"}}. */
public record SavedFile(String filename, String subfolder, String type) {

    public Map<String, Object> toUi() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filename", filename);
        m.put("subfolder", subfolder);
        m.put("type", type);
        return m;
    }
}
