package org.jcomfy.server.execution;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jcomfy.backend.cpu.CpuDevice;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.SharedObjects;

/** A node environment on temporary folders, with no model files and a shared-object map that counts clears. */
final class TestNodeEnvironment implements NodeEnvironment {
    private final Path base;
    private final Device device = new CpuDevice();
    final AtomicInteger sharedClears = new AtomicInteger();
    private final Map<String, Object> objects = new ConcurrentHashMap<>();

    TestNodeEnvironment(Path base) { this.base = base; }

    @Override public Path inputDirectory() { return base.resolve("input"); }
    @Override public Path outputDirectory() { return base.resolve("output"); }
    @Override public Path tempDirectory() { return base.resolve("temp"); }
    @Override public List<String> modelFiles(String folder) { return List.of(); }

    @Override
    public Path modelPath(String folder, String name) {
        throw new IllegalArgumentException("no model '" + name + "' in " + folder);
    }

    @Override public Device device() { return device; }

    @Override
    public SharedObjects shared() {
        return new SharedObjects() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T getOrLoad(String key, long bytes, Supplier<T> loader) {
                return (T) objects.computeIfAbsent(key, k -> loader.get());
            }

            @Override
            public void clear() {
                objects.clear();
                sharedClears.incrementAndGet();
            }
        };
    }
}
