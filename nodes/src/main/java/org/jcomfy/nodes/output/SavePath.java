package org.jcomfy.nodes.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.stream.Stream;

/**
 * Where an output node writes its next file, following ComfyUI's {@code get_save_image_path}:
 * the prefix may name subfolders and carry %width%/%date% style tokens; the counter continues
 * after the highest {@code <name>_NNNNN} already in the folder, shared across extensions.
 *
 * @param folder    the directory to write into (created)
 * @param subfolder the folder relative to the output root, "/"-separated ("" at the root)
 * @param baseName  the file name part of the prefix
 * @param counter   the first free counter
 */
public record SavePath(Path folder, String subfolder, String baseName, int counter) {

    public static SavePath next(Path root, String prefix, long width, long height) throws IOException {
        String expanded = expandTokens(prefix, width, height);
        int slash = expanded.lastIndexOf('/');
        String sub = slash < 0 ? "" : expanded.substring(0, slash);
        String base = slash < 0 ? expanded : expanded.substring(slash + 1);
        Path rootAbs = root.toAbsolutePath().normalize();
        Path folder = rootAbs.resolve(sub).normalize();
        if (!folder.startsWith(rootAbs) || base.isEmpty() || base.contains("\\") || Path.of(sub).isAbsolute()) {
            throw new IllegalArgumentException("filename_prefix '" + prefix + "' would save outside the output folder");
        }
        Files.createDirectories(folder);
        int max = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.toList()) max = Math.max(max, counterOf(p.getFileName().toString(), base));
        }
        return new SavePath(folder, rootAbs.relativize(folder).toString().replace('\\', '/'), base, max + 1);
    }

    /** {@code <base>_<counter:05>_.<ext>}, the name ComfyUI gives every saved file. */
    public String fileName(int n, String extension) {
        return String.format("%s_%05d_.%s", baseName, n, extension);
    }

    public Path file(int n, String extension) {
        return folder.resolve(fileName(n, extension));
    }

    private static int counterOf(String fileName, String base) {
        if (!fileName.startsWith(base + "_")) return 0;
        String rest = fileName.substring(base.length() + 1);
        int end = rest.indexOf('_');
        String digits = end < 0 ? rest : rest.substring(0, end);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 9) return 0;
        return Integer.parseInt(digits);
    }

    private static String expandTokens(String prefix, long width, long height) {
        if (!prefix.contains("%")) return prefix;
        LocalDateTime now = LocalDateTime.now();
        return prefix.replace("%width%", Long.toString(width))
                .replace("%height%", Long.toString(height))
                .replace("%year%", Integer.toString(now.getYear()))
                .replace("%month%", String.format("%02d", now.getMonthValue()))
                .replace("%day%", String.format("%02d", now.getDayOfMonth()))
                .replace("%hour%", String.format("%02d", now.getHour()))
                .replace("%minute%", String.format("%02d", now.getMinute()))
                .replace("%second%", String.format("%02d", now.getSecond()));
    }
}
