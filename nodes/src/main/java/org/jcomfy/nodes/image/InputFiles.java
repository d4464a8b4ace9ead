package org.jcomfy.nodes.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.jcomfy.nodes.api.NodeEnvironment;

/**
 * ComfyUI's "annotated" file names: {@code name.png}, {@code sub/name.png}, or a name ending in
 * {@code " [input]"}, {@code " [output]"} or {@code " [temp]"} that picks the folder (default input).
 */
public final class InputFiles {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of(
            "png", "jpg", "jpeg", "jpe", "gif", "bmp", "webp", "tif", "tiff", "ico", "avif", "svg", "apng", "jfif");

    private InputFiles() {}

    /** Top-level image files of the input folder, sorted, as LoadImage offers them. */
    public static List<String> imageFiles(NodeEnvironment env) {
        Path dir = env.inputDirectory();
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(InputFiles::isImageName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The file an annotated name points at; refuses names that leave their folder. */
    public static Path resolve(String annotatedName, NodeEnvironment env) {
        String name = annotatedName;
        Path base = env.inputDirectory();
        if (name.endsWith(" [output]")) {
            name = name.substring(0, name.length() - 9);
            base = env.outputDirectory();
        } else if (name.endsWith(" [input]")) {
            name = name.substring(0, name.length() - 8);
        } else if (name.endsWith(" [temp]")) {
            name = name.substring(0, name.length() - 7);
            base = env.tempDirectory();
        }
        Path root = base.toAbsolutePath().normalize();
        Path file = root.resolve(name).normalize();
        if (!file.startsWith(root)) throw new IllegalArgumentException("file name leaves its folder: " + annotatedName);
        return file;
    }

    public static boolean exists(String annotatedName, NodeEnvironment env) {
        try {
            return Files.isRegularFile(resolve(annotatedName, env));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
