package org.jcomfy.nodes.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.stream.Stream;
import org.jcomfy.nodes.files.SafePaths;
import org.jcomfy.nodes.output.FileNamePrefix;

/**
 * Where the next saved file goes, as ComfyUI's {@code folder_paths.get_save_image_path}: the prefix
 * is split into a subfolder and a file name, and the counter continues after the highest
 * {@code <name>_<digits>_...} already in that folder (shared across extensions). The folder must
 * really lie inside the base folder: a subfolder that is a symlink leading out is refused like
 * {@code ..}.
 *
 * @param folder    the absolute folder to write into (created if missing)
 * @param filename  the file-name part of the prefix
 * @param counter   the first free counter
 * @param subfolder the subfolder relative to the base folder, with forward slashes ("" at top level)
 */
public record SaveImagePath(Path folder, String filename, int counter, String subfolder) {

    public static SaveImagePath next(String prefix, Path baseFolder, int width, int height) throws IOException {
        if (prefix.contains("%")) prefix = expandVariables(prefix, width, height, LocalDateTime.now());
        // Validation checks constant prefixes; one that arrives through a link is checked here.
        String problem = FileNamePrefix.problem(prefix);
        if (problem != null) throw new IOException(problem);
        Path base = baseFolder.toAbsolutePath().normalize();
        Path target = SafePaths.resolveInside(base, prefix);
        if (target == null || target.equals(base)) throw outside(parentText(base + "/" + prefix), base);
        Path folder = target.getParent();
        String filename = target.getFileName().toString();
        String subfolder = base.relativize(folder).toString().replace('\\', '/');
        Files.createDirectories(folder);
        // Again now that every folder exists: one swapped for a link meanwhile is caught here.
        if (!SafePaths.isInside(base, folder)) throw outside(folder.toString(), base);
        int max = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                max = Math.max(max, counterOf(p.getFileName().toString(), filename));
            }
        }
        return new SaveImagePath(folder, filename, max + 1, subfolder);
    }

    /** ComfyUI's message, which also covers a subfolder that is a symlink leading out. */
    private static IOException outside(String fullOutputFolder, Path base) {
        return new IOException("Saving image outside the output folder is not allowed.\n full_output_folder: "
                + fullOutputFolder + "\n         output_dir: " + base);
    }

    private static String parentText(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? path : path.substring(0, slash);
    }

    /** The counter of an existing file {@code <filename>_<digits>_...}, or 0 when it does not match. */
    static int counterOf(String existing, String filename) {
        if (!existing.startsWith(filename + "_")) return 0;
        String rest = existing.substring(filename.length() + 1);
        int end = rest.indexOf('_');
        if (end <= 0) return 0;
        try {
            return Integer.parseInt(rest.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String expandVariables(String prefix, int width, int height, LocalDateTime now) {
        return prefix.replace("%width%", Integer.toString(width))
                .replace("%height%", Integer.toString(height))
                .replace("%year%", Integer.toString(now.getYear()))
                .replace("%month%", two(now.getMonthValue()))
                .replace("%day%", two(now.getDayOfMonth()))
                .replace("%hour%", two(now.getHour()))
                .replace("%minute%", two(now.getMinute()))
                .replace("%second%", two(now.getSecond()));
    }

    private static String two(int v) { return v < 10 ? "0" + v : Integer.toString(v); }

    /** {@code <name>_<counter:05>_.<ext>} */
    public String fileName(String name, int count, String extension) {
        return String.format("%s_%05d_.%s", name, count, extension);
    }
}
