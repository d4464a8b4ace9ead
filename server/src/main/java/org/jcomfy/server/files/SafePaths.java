package org.jcomfy.server.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Confinement of client-named paths to a directory. A path is inside when its normalised form
 * starts with the directory and, following symlinks, its real location (or that of its nearest
 * existing ancestor) is still inside the directory's real location, so neither {@code ..} nor a
 * symlink can reach outside.
 */
public final class SafePaths {
    private SafePaths() {}

    /** {@code relative} joined onto {@code dir}, or null when the result leaves {@code dir}. */
    public static Path resolveInside(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        Path candidate;
        try {
            candidate = base.resolve(relative).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        return isInside(base, candidate) ? candidate : null;
    }

    public static boolean isInside(Path dir, Path candidate) {
        Path base = dir.toAbsolutePath().normalize();
        Path c = candidate.toAbsolutePath().normalize();
        if (!c.startsWith(base)) return false;
        try {
            Path realBase = Files.exists(base) ? base.toRealPath() : base;
            Path existing = c;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
            if (existing == null) return true;
            if (!Files.exists(existing)) return false; // a dangling symlink: refuse rather than guess where it points
            Path real = existing.toRealPath();
            return real.startsWith(realBase);
        } catch (IOException e) {
            return false;
        }
    }
}
