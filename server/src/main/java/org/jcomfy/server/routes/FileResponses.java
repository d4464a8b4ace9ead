package org.jcomfy.server.routes;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jcomfy.server.http.ApiError;

/**
 * Sends a file with byte-range support (one range: {@code bytes=a-b}, {@code a-}, {@code -n}),
 * which the frontend's video and audio players use. An unsatisfiable range is a JSON 416.
 */
final class FileResponses {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private FileResponses() {}

    static void send(Context ctx, Path file, String contentType) throws IOException {
        long size = Files.size(file);
        ctx.contentType(contentType).header("Accept-Ranges", "bytes");
        String range = ctx.header("Range");
        Matcher m = range == null ? null : RANGE.matcher(range.strip());
        if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            ctx.result(Files.newInputStream(file));
            return;
        }
        long start, end;
        if (m.group(1).isEmpty()) { // suffix range: the last n bytes (all of them when n is larger)
            start = Math.max(0, size - position(m.group(2)));
            end = size - 1;
        } else {
            start = position(m.group(1));
            end = m.group(2).isEmpty() ? size - 1 : Math.min(position(m.group(2)), size - 1);
        }
        if (start >= size || start > end) {
            ctx.header("Content-Range", "bytes */" + size);
            throw ApiError.typed(416, "range_not_satisfiable", "Requested range not satisfiable",
                    "The range '" + range + "' does not lie within the file's " + size + " bytes.");
        }
        long length = end - start + 1;
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(start);
        ctx.status(206).header("Content-Range", "bytes " + start + "-" + end + "/" + size)
                .result(new BoundedInputStream(in, length));
    }

    /** A byte position; one past any file size (more digits than a long holds) saturates rather than overflowing. */
    private static long position(String digits) {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** At most {@code remaining} bytes of the wrapped stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(buf, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException { in.close(); }
    }
}
