package org.jcomfy.server.routes;

import java.nio.charset.StandardCharsets;
import org.jcomfy.server.http.ApiError;

/**
 * What a file or folder name a client sends must be before it reaches the file system: no
 * control characters (NUL cannot be in a path at all, and a newline or CR would be written into
 * logs and {@code Content-Disposition} headers) and no part longer than the 255 bytes a file
 * system allows. Confinement to the folder is {@link org.jcomfy.server.files.SafePaths}' job.
 */
final class FileNames {
    private static final int MAX_PART_BYTES = 255;
    private static final int MAX_PATH_BYTES = 4096;

    private FileNames() {}

    /** {@code name} unchanged, or a 400 that says what is wrong with it; {@code what} says which parameter it is. */
    static String require(String name, String what) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw ApiError.badRequest("invalid_filename", "The " + what + " contains the control character U+"
                        + String.format("%04X", (int) c) + "; names cannot hold control characters.");
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw ApiError.badRequest("invalid_filename", "The " + what + " is longer than " + MAX_PATH_BYTES + " bytes.");
        }
        for (String part : name.split("[/\\\\]")) {
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_PART_BYTES) {
                throw ApiError.badRequest("invalid_filename", "The " + what + " has a part of "
                        + part.getBytes(StandardCharsets.UTF_8).length + " bytes; a file name can have at most " + MAX_PART_BYTES + ".");
            }
        }
        return name;
    }
}
