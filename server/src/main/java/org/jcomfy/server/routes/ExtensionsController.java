package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * Frontend extensions and translations. {@code /extensions} lists the JavaScript files the
 * frontend imports: those under the frontend's own {@code extensions/} folder and jcomfy's, which
 * the server jar carries under the class-path folder {@code web-extensions/} and serves at
 * {@code /extensions/jcomfy/...}. {@code /i18n} merges custom-node locale files.
 */
public final class ExtensionsController {
    private static final BundledFiles BUNDLED = new BundledFiles("web-extensions");
    private static final String BUNDLED_URL = "/extensions/jcomfy/";

    private ExtensionsController() {}

    public static void list(Context ctx) throws IOException {
        ServerState state = ServerState.of(ctx);
        List<String> urls = new ArrayList<>();
        Path webRoot = state.options().frontEndRoot();
        if (webRoot != null && Files.isDirectory(webRoot.resolve("extensions"))) {
            try (Stream<Path> s = Files.walk(webRoot.resolve("extensions"))) {
                s.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".js")).sorted()
                        .forEach(p -> urls.add("/" + webRoot.relativize(p).toString().replace('\\', '/')));
            }
        }
        urls.addAll(state.bundledExtensions());
        Json.send(ctx, urls);
    }

    /** A file of jcomfy's bundled extensions, from the class path. */
    public static void bundledFile(Context ctx) throws IOException {
        String rel = ctx.pathParam("path");
        if (rel.contains("..") || rel.startsWith("/") || rel.contains("\\")) throw ApiError.forbidden("Bad extension path.");
        byte[] file = BUNDLED.read(rel);
        if (file == null) throw ApiError.notFound("No bundled extension file '" + rel + "'.");
        ctx.contentType(ContentTypes.of(rel)).result(file);
    }

    /**
     * URL paths of the {@code .js} files at the top of the class-path folder {@code web-extensions/},
     * sorted: the entry points. The modules they import sit in sub-folders ({@code lib/}) and are
     * served but not listed, so the frontend does not import each of them as an extension.
     */
    public static List<String> bundledExtensions() {
        return BUNDLED.list(".js").stream().filter(p -> !p.contains("/")).map(p -> BUNDLED_URL + p).toList();
    }

    /**
     * {@code {"<lang>": {...}}} merged from {@code custom_nodes/<pack>/locales/<lang>/main.json} with
     * its {@code nodeDefs.json}, {@code commands.json} and {@code settings.json}; {@code {}} when none.
     */
    public static void i18n(Context ctx) throws IOException {
        ObjectNode out = Json.object();
        Path customNodes = ServerState.of(ctx).options().baseDirectory().resolve("custom_nodes");
        if (Files.isDirectory(customNodes)) {
            try (Stream<Path> packs = Files.list(customNodes)) {
                for (Path locales : packs.map(p -> p.resolve("locales")).filter(Files::isDirectory).sorted().toList()) {
                    try (Stream<Path> langs = Files.list(locales)) {
                        for (Path lang : langs.filter(Files::isDirectory).sorted().toList()) {
                            ObjectNode merged = out.has(lang.getFileName().toString())
                                    ? (ObjectNode) out.get(lang.getFileName().toString())
                                    : out.putObject(lang.getFileName().toString());
                            mergeFile(merged, lang.resolve("main.json"), null);
                            mergeFile(merged, lang.resolve("nodeDefs.json"), "nodeDefs");
                            mergeFile(merged, lang.resolve("commands.json"), "commands");
                            mergeFile(merged, lang.resolve("settings.json"), "settings");
                        }
                    }
                }
            }
        }
        Json.send(ctx, out);
    }

    private static void mergeFile(ObjectNode into, Path file, String key) {
        if (!Files.isRegularFile(file)) return;
        try {
            JsonNode value = Json.MAPPER.readTree(file.toFile());
            if (!value.isObject()) return;
            ObjectNode target = key == null ? into : into.has(key) && into.get(key).isObject() ? (ObjectNode) into.get(key) : into.putObject(key);
            deepMerge(target, (ObjectNode) value);
        } catch (IOException e) {
            System.err.println("jcomfy: skipping unreadable locale file " + file + ": " + e.getMessage());
        }
    }

    private static void deepMerge(ObjectNode into, ObjectNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) deepMerge(eo, vo);
            else into.set(e.getKey(), e.getValue());
        }
    }

}
