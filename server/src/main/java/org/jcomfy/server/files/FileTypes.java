package org.jcomfy.server.files;

import java.nio.file.Path;
import org.jcomfy.server.ServerOptions;

/**
 * ComfyUI's file "types": {@code input}, {@code output}, {@code temp}, each a directory, and the
 * annotated names {@code "name.png [output]"} that choose the directory inside the name itself.
 */
public final class FileTypes {
    private FileTypes() {}

    /** The directory of a type, or null for any other value. */
    public static Path directory(ServerOptions options, String type) {
        if (type == null) return null;
        return switch (type) {
            case "input" -> options.inputDirectory();
            case "output" -> options.outputDirectory();
            case "temp" -> options.tempDirectory();
            default -> null;
        };
    }

    /** A name with its annotation removed, and the type the annotation named (null when none). */
    public record Annotated(String name, String type) {}

    public static Annotated parse(String name) {
        for (String type : new String[] {"input", "output", "temp"}) {
            String suffix = " [" + type + "]";
            if (name.endsWith(suffix)) return new Annotated(name.substring(0, name.length() - suffix.length()), type);
        }
        return new Annotated(name, null);
    }
}
