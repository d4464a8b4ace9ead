package org.jcomfy.nodes.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What tells one version of a file from the next without reading it: size, modification time
 * and the file key (device and inode on Linux). A copy over the old file changes the time, a
 * rename of a new file onto the name changes the key, a truncation changes the size. Links are
 * followed, so a symlink pointed at another file is a change too.
 */
public record FileStamp(long size, FileTime modified, Object fileKey) {

    public static FileStamp of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(a.size(), a.lastModifiedTime(), a.fileKey());
    }

    /** How this stamp differs from {@code now}, for a message ("size 1024 -> 10 bytes, modified ..."). */
    public String differenceTo(FileStamp now) {
        StringBuilder s = new StringBuilder();
        if (size != now.size) s.append("size ").append(size).append(" -> ").append(now.size).append(" bytes");
        if (!modified.equals(now.modified)) s.append(s.isEmpty() ? "" : ", ").append("modified ").append(now.modified);
        if (fileKey != null && !fileKey.equals(now.fileKey)) s.append(s.isEmpty() ? "" : ", ").append("replaced by another file");
        return s.isEmpty() ? "unchanged" : s.toString();
    }
}
