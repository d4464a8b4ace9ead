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
import org.jcomfy.nodes.files.SafePaths;

/**
 * ComfyUI's "annotated" file names: {@code name.png}, {@code sub/name.png}, or a name ending in
 * {@code " [input]"}, {@code " [output]"} or {@code " [temp]"} that picks the folder (default input).
 */
public final class InputFiles {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of(
            "png", "jpg", "jpeg", "jpe", "gif", "bmp", "webp", "tif", "tiff", "ico", "avif", "svg", "apng", "jfif");

    private InputFiles() {}

    /** Top-level image files of the input folder, sorted, as LoadImage offers them (no links that lead out). */
    public static List<String> imageFiles(NodeEnvironment env) {
        Path dir = env.inputDirectory();
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> SafePaths.isInside(dir, p))
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

    /**
     * The file an annotated name points at; refuses names that leave their folder, lexically or
     * through a symlink (the containment {@code /view} applies, so a node cannot read what the
     * server would not serve).
     */
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
        Path file = SafePaths.resolveInside(base, name);
        if (file == null) {
            throw new IllegalArgumentException("file name leaves its folder (by '..' or a symlink that points out of it): "
                    + annotatedName);
        }
        return file;
    }

    /**
     * ComfyUI's {@code Invalid image file: <name>} when the annotated name is not a file inside its
     * folder (with the reason when it leads out of it), or null when it is.
     */
    public static String invalidFileMessage(String annotatedName, NodeEnvironment env) {
        try {
            return Files.isRegularFile(resolve(annotatedName, env)) ? null : "Invalid image file: " + annotatedName;
        } catch (IllegalArgumentException e) {
            return "Invalid image file: " + annotatedName + " (" + e.getMessage() + ")";
        }
    }
}
