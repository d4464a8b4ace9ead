package org.jcomfy.nodes.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.SharedObjects;

/**
 * A real execution context on temporary folders, for running nodes directly in tests:
 * records progress calls and previews instead of sending them over a socket.
 */
public final class TestContext implements ExecutionContext {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;
    private final Device device;
    public final List<long[]> progress = new ArrayList<>();
    /** Every {@link #event} sent, in order. */
    public final List<Map.Entry<String, Map<String, Object>>> events = new ArrayList<>();
    public final List<BufferedImage> previews = new ArrayList<>();
    public volatile boolean interrupted;
    private final Map<String, Object> shared = new HashMap<>();
    private JsonNode prompt = JSON.createObjectNode();
    private JsonNode extraPngInfo = JSON.createObjectNode().set("workflow", JSON.createObjectNode().put("version", 0.4));

    /** In a fresh temporary folder (left for the system's temp cleaner, as {@code Files.createTempDirectory} leaves it). */
    public TestContext() throws IOException {
        this(Files.createTempDirectory("jcomfy-nodes-test"));
    }

    /** In {@code root} (a JUnit {@code @TempDir}), with its input, output, temp and models folders made. */
    public TestContext(Path root) {
        this(root, Devices.cpu());
    }

    /** In {@code root}, on {@code device} (a CPU device with other backend options). */
    public TestContext(Path root, Device device) {
        this.root = root;
        this.device = device;
        try {
            for (String d : List.of("input", "output", "temp", "models")) Files.createDirectories(root.resolve(d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestContext withPrompt(JsonNode p) { this.prompt = p; return this; }

    @Override public Path inputDirectory() { return root.resolve("input"); }
    @Override public Path outputDirectory() { return root.resolve("output"); }
    @Override public Path tempDirectory() { return root.resolve("temp"); }

    @Override
    public List<String> modelFiles(String folder) {
        Path dir = root.resolve("models").resolve(folder);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Path modelPath(String folder, String name) {
        Path p = root.resolve("models").resolve(folder).resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException("model file not found: " + folder + "/" + name);
        return p;
    }

    @Override public Device device() { return device; }

    @Override
    public SharedObjects shared() {
        return new SharedObjects() {
            @Override
            @SuppressWarnings("unchecked")
            public synchronized <T> T getOrLoad(String key, Object version, long bytes, Supplier<T> loader) {
                // held as [version, value]: another version is loaded anew, as the server's cache does
                Object[] held = (Object[]) shared.get(key);
                if (held == null || !java.util.Objects.equals(held[0], version)) shared.put(key, held = new Object[] {version, loader.get()});
                return (T) held[1];
            }

            @Override public synchronized void clear() { shared.clear(); }
        };
    }

    @Override public String promptId() { return "test-prompt"; }
    @Override public String nodeId() { return "1"; }

    @Override
    public void event(String type, Map<String, Object> data) {
        events.add(Map.entry(type, data));
    }

    @Override
    public void progress(long value, long max) {
        progress.add(new long[] {value, max});
        checkInterrupted();
    }

    @Override public void preview(BufferedImage image) { previews.add(image); }

    @Override
    public void checkInterrupted() {
        if (interrupted) throw new org.jcomfy.nodes.api.ExecutionInterrupted();
    }

    @Override public JsonNode prompt() { return prompt; }
    @Override public JsonNode extraPngInfo() { return extraPngInfo; }
    @Override public String previewMethod() { return "auto"; }
}
