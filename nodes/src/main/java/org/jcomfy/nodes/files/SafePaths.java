package org.jcomfy.nodes.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Confinement of client-named paths to a directory, the one rule that {@code /view}, uploads and
 * the nodes' reads and writes all apply. A path is inside when its normalised form starts with the
 * directory and, following symlinks, its real location (or that of its nearest existing ancestor)
 * is still inside the directory's real location, so neither {@code ..} nor a symlink can reach
 * outside. The directory itself may be a symlink: only what lies below it is checked.
 *
 * <p>Model folders use only the lexical half ({@link #resolveLexically}): a symlinked model file
 * or folder under {@code models/} is the machine owner's choice (common for large files kept on
 * another disk), and no route lets a client create links.
 */
public final class SafePaths {
    private SafePaths() {}

    /** {@code relative} joined onto {@code dir}, or null when the result leaves {@code dir}, by {@code ..} or by a symlink. */
    public static Path resolveInside(Path dir, String relative) {
        Path candidate = resolveLexically(dir, relative);
        return candidate != null && isInside(dir, candidate) ? candidate : null;
    }

    /**
     * {@code relative} joined onto {@code dir} and normalised, or null when that leaves {@code dir}
     * ({@code ..}, an absolute name, or not a path at all); symlinks below {@code dir} are not looked at.
     */
    public static Path resolveLexically(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        Path candidate;
        try {
            candidate = base.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        return candidate.startsWith(base) ? candidate : null;
    }

    public static boolean isInside(Path dir, Path candidate) {
        Path base = dir.toAbsolutePath().normalize();
        Path c = candidate.toAbsolutePath().normalize();
        if (!c.startsWith(base)) return false;
        try {
            Path realCandidate = realLocation(c);
            return realCandidate != null && realCandidate.startsWith(realLocation(base));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where a path really is: the real path of its nearest existing ancestor with the missing
     * rest appended; null for a dangling symlink (refused rather than guessed).
     */
    private static Path realLocation(Path p) throws IOException {
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) return p;
        if (!Files.exists(existing)) return null;
        return existing.toRealPath().resolve(existing.relativize(p));
    }
}
