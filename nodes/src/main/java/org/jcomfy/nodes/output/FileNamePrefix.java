package org.jcomfy.nodes.output;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a save node's {@code filename_prefix} may be, so that a prompt whose files cannot be written is
 * refused at validation (the node declares {@link #problem} as its input check) and a prefix that
 * arrives through a link fails with the same message when the file is named. The prefix becomes
 * {@code <folders>/<name>_<counter>_.<ext>}: every folder, and the name with what the saver appends,
 * must fit a file system's name limit, and the whole must stay well inside a path's.
 */
public final class FileNamePrefix {
    /** The longest file or folder name ext4, XFS, btrfs and APFS accept. */
    public static final int MAX_NAME_BYTES = 255;
    /** What the saver appends to the name: {@code "_"}, a counter of up to 10 digits, {@code "_."}, an extension of up to 5. */
    public static final int SUFFIX_BYTES = 1 + 10 + 2 + 5;
    /** The whole prefix, folders included: a quarter of Linux's PATH_MAX leaves room for the output folder. */
    public static final int MAX_PREFIX_BYTES = 1024;

    private static final Pattern SEPARATORS = Pattern.compile(File.separatorChar == '\\' ? "[/\\\\]" : "/");
    private static final int SHOWN_CHARS = 40;

    private FileNamePrefix() {}

    /** Why {@code value} cannot name saved files, or null when it can. */
    public static String problem(Object value) {
        String prefix = String.valueOf(value);
        if (prefix.indexOf('\0') >= 0) return "the file name prefix contains a NUL character";
        int total = utf8Length(prefix);
        if (total > MAX_PREFIX_BYTES) {
            return "the file name prefix '" + shown(prefix) + "' is " + total + " bytes long; at most "
                    + MAX_PREFIX_BYTES + " are allowed";
        }
        String[] parts = SEPARATORS.split(prefix, -1);
        for (int i = 0; i < parts.length; i++) {
            boolean fileName = i == parts.length - 1;
            int limit = fileName ? MAX_NAME_BYTES - SUFFIX_BYTES : MAX_NAME_BYTES;
            int length = utf8Length(parts[i]);
            if (length > limit) {
                return (fileName ? "the file name '" : "the folder name '") + shown(parts[i]) + "' is " + length
                        + " bytes long; at most " + limit + " fit in a file name"
                        + (fileName ? " with the counter and extension" : "");
            }
        }
        return null;
    }

    private static int utf8Length(String s) { return s.getBytes(StandardCharsets.UTF_8).length; }

    private static String shown(String s) {
        if (s.codePointCount(0, s.length()) <= SHOWN_CHARS) return s;
        return s.substring(0, s.offsetByCodePoints(0, SHOWN_CHARS)) + "...";
    }
}
