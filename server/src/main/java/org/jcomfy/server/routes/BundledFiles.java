package org.jcomfy.server.routes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Files the server jar carries in a class-path folder (the frontend extensions, jcomfy's
 * workflows): listed whether the classes run from the jar or from a build folder, and read by a
 * relative path that cannot climb out of the folder.
 */
final class BundledFiles {
    private final String folder;

    BundledFiles(String folder) { this.folder = folder; }

    /** Relative paths (with '/') of every file under the folder whose name ends with one of {@code suffixes}, sorted. */
    List<String> list(String... suffixes) {
        URL url = BundledFiles.class.getClassLoader().getResource(folder);
        if (url == null) return List.of();
        try {
            URI uri = url.toURI();
            Path root;
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                }
                root = fs.getPath(folder);
            } else {
                root = Path.of(uri);
            }
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(p -> Files.isRegularFile(p) && endsWithAny(p.getFileName().toString(), suffixes))
                        .map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .sorted().toList();
            }
        } catch (Exception e) {
            System.err.println("jcomfy: cannot list the bundled folder " + folder + ": " + e);
            return List.of();
        }
    }

    /** The bytes of {@code relative}, or null when there is no such file or the path leaves the folder. */
    byte[] read(String relative) throws IOException {
        if (relative.isEmpty() || relative.contains("..") || relative.startsWith("/") || relative.contains("\\")) return null;
        try (InputStream in = BundledFiles.class.getClassLoader().getResourceAsStream(folder + "/" + relative)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static boolean endsWithAny(String name, String... suffixes) {
        for (String s : suffixes) if (name.endsWith(s)) return true;
        return false;
    }
}
