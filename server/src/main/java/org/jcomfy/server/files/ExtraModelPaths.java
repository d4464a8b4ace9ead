package org.jcomfy.server.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ComfyUI's {@code extra_model_paths.yaml}: independent sections, each with an optional
 * {@code base_path} (with {@code ~} and {@code $VARS}; relative to the yaml's directory) and
 * {@code is_default} (prepend instead of append), and {@code folder: path} entries where one
 * value may hold several paths, one per line.
 */
public final class ExtraModelPaths {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ENV = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)}");

    private ExtraModelPaths() {}

    public static void load(Path yamlFile, ModelFolders folders) {
        JsonNode root;
        try {
            root = YAML.readTree(yamlFile.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + yamlFile + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) return;
        Path yamlDir = yamlFile.toAbsolutePath().getParent();
        for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
            JsonNode section = sections.next().getValue();
            if (section == null || !section.isObject() || section.isEmpty()) continue;
            Path base = null;
            if (section.hasNonNull("base_path")) {
                base = yamlDir.resolve(expand(section.get("base_path").asText())).normalize();
            }
            boolean isDefault = section.path("is_default").asBoolean(false);
            for (Iterator<Map.Entry<String, JsonNode>> entries = section.fields(); entries.hasNext(); ) {
                Map.Entry<String, JsonNode> e = entries.next();
                String key = e.getKey();
                if (key.equals("base_path") || key.equals("is_default") || e.getValue().isNull()) continue;
                for (String line : e.getValue().asText().split("\n")) {
                    String p = line.strip();
                    if (p.isEmpty()) continue;
                    Path full = base != null ? base.resolve(expand(p)) : yamlDir.resolve(expand(p));
                    folders.addRoot(key, full.normalize(), isDefault);
                }
            }
        }
    }

    /** {@code ~} and {@code $VAR} / {@code ${VAR}} as Python's expanduser/expandvars (unknown variables stay). */
    static String expand(String s) {
        String out = s.startsWith("~") ? System.getProperty("user.home") + s.substring(1) : s;
        Matcher m = ENV.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = System.getenv(name);
            m.appendReplacement(sb, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
