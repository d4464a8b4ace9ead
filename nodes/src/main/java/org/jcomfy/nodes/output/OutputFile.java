package org.jcomfy.nodes.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.jcomfy.nodes.files.SafePaths;

/**
 * Writes an output file whole or not at all. The encoder writes a hidden part file beside the
 * target (same folder, so the final rename is atomic), and only a complete file is renamed onto
 * the target name: a failed or interrupted save leaves nothing behind, and a client never sees a
 * half-written file through {@code /view}. The part file is created exclusively (never through an
 * existing link) and checked to lie inside the base folder before anything is written into it, and
 * the rename replaces whatever the target name is, a symlink included, rather than following it.
 */
public final class OutputFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Fills the part file (an encoder that opens the path itself, or one that writes bytes). */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path partFile) throws Exception;
    }

    private OutputFile() {}

    /** Writes {@code target} (a file directly inside a folder under {@code base}) through {@code content}. */
    public static void write(Path base, Path target, Content content) throws Exception {
        Path folder = target.getParent();
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        Path part = Files.createFile(folder.resolve(".jcomfy-" + HexFormat.of().formatHex(random) + ".part"));
        try {
            if (!SafePaths.isInside(base, part)) {
                throw new IOException("Saving outside the " + base.getFileName() + " folder is not allowed: " + folder
                        + " leads outside " + base + " through a symlink");
            }
            content.writeTo(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces an existing name
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }
}
