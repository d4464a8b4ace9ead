package org.jcomfy.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jcomfy.nodes.api.NodeRegistry;

/**
 * Node packs dropped into {@code <base>/custom_nodes/} as jars, the way a Python custom-node
 * pack is dropped into ComfyUI's folder: each jar's {@code META-INF/services} lists its
 * {@link org.jcomfy.nodes.api.NodeProvider}s, and its nodes join the built-in ones.
 */
public final class CustomNodes {
    private CustomNodes() {}

    /** The built-in nodes plus those of every jar in {@code customNodesDir} (absent folder: built-in only). */
    public static NodeRegistry load(Path customNodesDir) {
        List<URL> jars = new ArrayList<>();
        if (Files.isDirectory(customNodesDir)) {
            try (Stream<Path> files = Files.list(customNodesDir)) {
                for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) jars.add(url(jar));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ClassLoader parent = CustomNodes.class.getClassLoader();
        return jars.isEmpty() ? NodeRegistry.load(parent)
                : NodeRegistry.load(new URLClassLoader("custom_nodes", jars.toArray(URL[]::new), parent));
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
        }
    }
}
