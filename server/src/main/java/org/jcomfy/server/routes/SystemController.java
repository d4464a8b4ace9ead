package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.server.FeatureFlags;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.server.http.ApiError;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * Server description routes: {@code /system_stats}, {@code /features}, subgraph blueprints,
 * node replacements and custom-node example workflows.
 */
public final class SystemController {
    /** The ComfyUI server version whose protocol jcomfy implements (PROTOCOL.md baseline). */
    static final String COMFYUI_PROTOCOL_VERSION = "0.26.0";
    static final String JCOMFY_VERSION = "0.1.0";
    private static final List<String> EXAMPLE_FOLDERS = List.of("example_workflows", "example", "examples", "workflow", "workflows");

    /** The template pack name of jcomfy's own workflows; a custom node folder of this name is not listed. */
    static final String JCOMFY_PACK = "jcomfy";
    private static final BundledFiles BUNDLED_WORKFLOWS = new BundledFiles("workflows");

    private SystemController() {}

    /** Versions, memory and devices; the device nodes run on comes first. */
    public static void systemStats(Context ctx) {
        ServerState state = ServerState.of(ctx);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ObjectNode body = Json.object();
        ObjectNode system = body.putObject("system");
        system.put("os", System.getProperty("os.name").toLowerCase(Locale.ROOT));
        system.put("ram_total", os.getTotalMemorySize());
        system.put("ram_free", os.getFreeMemorySize());
        system.put("comfyui_version", COMFYUI_PROTOCOL_VERSION);
        system.put("jcomfy_version", JCOMFY_VERSION);
        // ComfyUI reports its interpreter here; jcomfy's interpreter is the JVM.
        system.put("python_version", "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        system.put("pytorch_version", "none (jcomfy " + JCOMFY_VERSION + ")");
        system.put("embedded_python", false);
        system.put("deploy_environment", "local-git");
        ArrayNode argv = system.putArray("argv");
        state.argv().forEach(argv::add);

        Device primary = state.runtime().environment().device();
        List<Device> devices = new ArrayList<>();
        devices.add(primary);
        for (Device d : Devices.available()) if (!d.id().equals(primary.id())) devices.add(d);
        ArrayNode list = body.putArray("devices");
        for (Device d : devices) {
            ObjectNode n = list.addObject();
            String id = d.id().toString();
            n.put("name", d.description().startsWith(id) ? d.description() : id + " " + d.description());
            n.put("type", d.id().type());
            n.put("index", d.id().index());
            n.put("vram_total", d.totalMemoryBytes());
            n.put("vram_free", d.freeMemoryBytes());
            n.put("torch_vram_total", d.totalMemoryBytes());
            n.put("torch_vram_free", d.freeMemoryBytes());
        }
        // jcomfy's own key (ComfyUI clients read only theirs): the ranks a ParallelPlan can use
        body.set("jcomfy_ranks", RanksController.body(primary));
        Json.send(ctx, body);
    }

    public static void features(Context ctx) {
        Json.send(ctx, FeatureFlags.of(ServerState.of(ctx).options()));
    }

    /** {@code {id: {source, name, info:{node_pack}}}} for every blueprint found. */
    public static void globalSubgraphs(Context ctx) throws IOException {
        ObjectNode out = Json.object();
        for (Map.Entry<String, Blueprint> e : blueprints(ctx).entrySet()) out.set(e.getKey(), e.getValue().json(false));
        Json.send(ctx, out);
    }

    /** One blueprint with its {@code data} (the workflow JSON as a string), or JSON null when unknown. */
    public static void globalSubgraph(Context ctx) throws IOException {
        Blueprint b = blueprints(ctx).get(ctx.pathParam("id"));
        Json.send(ctx, b == null ? Json.MAPPER.nullNode() : b.json(true));
    }

    /** jcomfy has no deprecated-node replacements (and advertises {@code node_replacements: false}). */
    public static void nodeReplacements(Context ctx) {
        Json.send(ctx, Json.object());
    }

    /**
     * {@code {pack: [workflow names]}}: jcomfy's own workflows first (the {@code workflows/} folder,
     * carried in the jar, as pack {@value #JCOMFY_PACK}), then {@code custom_nodes/<pack>/<example
     * folder>/*.json} as ComfyUI lists them. The frontend's template browser shows each pack's
     * files, with {@code <name>.jpg} as the thumbnail where there is one.
     */
    public static void workflowTemplates(Context ctx) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> ours = BUNDLED_WORKFLOWS.list(".json").stream().filter(n -> !n.contains("/"))
                .map(n -> n.substring(0, n.length() - 5)).toList();
        if (!ours.isEmpty()) out.put(JCOMFY_PACK, new ArrayList<>(ours));
        for (Path pack : customNodePacks(ctx)) {
            if (pack.getFileName().toString().equals(JCOMFY_PACK)) continue; // the name is ours (see workflowTemplateFile)
            for (String folder : EXAMPLE_FOLDERS) {
                for (Path f : jsonFiles(pack.resolve(folder))) {
                    String name = f.getFileName().toString();
                    out.computeIfAbsent(pack.getFileName().toString(), k -> new ArrayList<>()).add(name.substring(0, name.length() - 5));
                }
            }
        }
        Json.send(ctx, out);
    }

    /** {@code /api/workflow_templates/<pack>/<file>}: one of jcomfy's workflows, or a custom node's example file. */
    public static void workflowTemplateFile(Context ctx) throws IOException {
        if (ctx.pathParam("pack").equals(JCOMFY_PACK)) {
            byte[] file = ctx.pathParam("file").contains("/") ? null : BUNDLED_WORKFLOWS.read(ctx.pathParam("file"));
            if (file == null) throw ApiError.notFound("No jcomfy workflow '" + ctx.pathParam("file") + "'.");
            ctx.contentType(ContentTypes.of(ctx.pathParam("file"))).result(file);
            return;
        }
        Path customNodes = ServerState.of(ctx).options().baseDirectory().resolve("custom_nodes");
        Path pack = SafePaths.resolveInside(customNodes, ctx.pathParam("pack"));
        if (pack == null) throw ApiError.forbidden("Bad custom node name.");
        for (String folder : EXAMPLE_FOLDERS) {
            Path f = SafePaths.resolveInside(pack.resolve(folder), ctx.pathParam("file"));
            if (f != null && Files.isRegularFile(f)) {
                ctx.contentType(ContentTypes.of(f.getFileName().toString())).result(Files.readAllBytes(f));
                return;
            }
        }
        throw ApiError.notFound("No example workflow '" + ctx.pathParam("file") + "'.");
    }

    private record Blueprint(String source, Path file, String nodePack) {
        ObjectNode json(boolean withData) throws IOException {
            ObjectNode n = Json.object();
            n.put("source", source);
            String name = file.getFileName().toString();
            n.put("name", name.substring(0, name.length() - ".json".length()));
            n.putObject("info").put("node_pack", nodePack);
            if (withData) n.put("data", Files.readString(file, StandardCharsets.UTF_8));
            return n;
        }
    }

    /** Blueprints from {@code custom_nodes/<pack>/subgraphs/} and {@code <base>/blueprints/}, keyed by sha256(source + path). */
    private static Map<String, Blueprint> blueprints(Context ctx) throws IOException {
        Map<String, Blueprint> out = new LinkedHashMap<>();
        for (Path pack : customNodePacks(ctx)) {
            for (Path f : jsonFiles(pack.resolve("subgraphs"))) {
                add(out, new Blueprint("custom_node", f, "custom_nodes." + pack.getFileName()));
            }
        }
        for (Path f : jsonFiles(ServerState.of(ctx).options().baseDirectory().resolve("blueprints"))) {
            add(out, new Blueprint("templates", f, "comfyui"));
        }
        return out;
    }

    private static void add(Map<String, Blueprint> out, Blueprint b) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((b.source() + b.file()).getBytes(StandardCharsets.UTF_8));
            out.put(HexFormat.of().formatHex(digest), b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> customNodePacks(Context ctx) throws IOException {
        Path dir = ServerState.of(ctx).options().baseDirectory().resolve("custom_nodes");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }
}
