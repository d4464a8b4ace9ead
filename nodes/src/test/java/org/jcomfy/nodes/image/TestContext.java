package org.jcomfy.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.jcomfy.backend.cpu.CpuDevice;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.SharedObjects;

/** An execution context on temporary folders for calling nodes directly. */
final class TestContext implements ExecutionContext {
    final Path base;

    TestContext() throws java.io.IOException {
        base = Files.createTempDirectory("jcomfy-nodes-test");
        Files.createDirectories(inputDirectory());
        Files.createDirectories(outputDirectory());
        Files.createDirectories(tempDirectory());
    }

    @Override public String promptId() { return "test-prompt"; }
    @Override public String nodeId() { return "1"; }
    @Override public void progress(long value, long max) { }
    @Override public void preview(BufferedImage image) { }
    @Override public void checkInterrupted() { }
    @Override public JsonNode prompt() { return null; }
    @Override public JsonNode extraPngInfo() { return null; }
    @Override public String previewMethod() { return "none"; }
    @Override public Path inputDirectory() { return base.resolve("input"); }
    @Override public Path outputDirectory() { return base.resolve("output"); }
    @Override public Path tempDirectory() { return base.resolve("temp"); }
    @Override public List<String> modelFiles(String folder) { return List.of(); }
    @Override public Path modelPath(String folder, String name) { throw new IllegalArgumentException(name); }
    @Override public Device device() { return new CpuDevice(); }

    @Override
    public SharedObjects shared() {
        return new SharedObjects() {
            @Override public <T> T getOrLoad(String key, Object version, long bytes, Supplier<T> loader) { return loader.get(); }
            @Override public void clear() { }
        };
    }
}
