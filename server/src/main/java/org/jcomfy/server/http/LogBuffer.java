package org.jcomfy.server.http;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines the process printed (stdout and stderr, where slf4j-simple logs), for the
 * frontend's terminal panel ({@code /internal/logs}). Installing tees both streams; the
 * original output is unchanged. Bounded like ComfyUI's log buffer.
 */
public final class LogBuffer {
    private static final int MAX_ENTRIES = 300;
    private static final LogBuffer INSTANCE = new LogBuffer();

    /** One printed line with the time it was printed (ISO-8601), as ComfyUI's {@code {t, m}}. */
    public record Entry(String t, String m) {}

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private boolean installed;

    private LogBuffer() {}

    /** The process-wide buffer, installed on first use. */
    public static synchronized LogBuffer installed() {
        if (!INSTANCE.installed) {
            INSTANCE.installed = true;
            System.setOut(new PrintStream(INSTANCE.tee(System.out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(INSTANCE.tee(System.err), true, StandardCharsets.UTF_8));
        }
        return INSTANCE;
    }

    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    private synchronized void add(String line) {
        entries.addLast(new Entry(Instant.now().toString(), line));
        while (entries.size() > MAX_ENTRIES) entries.removeFirst();
    }

    private OutputStream tee(OutputStream original) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) throws java.io.IOException {
                original.write(b);
                line.write(b);
                if (b == '\n') flushLine();
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
                original.write(b, off, len);
                for (int i = off; i < off + len; i++) {
                    line.write(b[i]);
                    if (b[i] == '\n') flushLine();
                }
            }

            @Override
            public void flush() throws java.io.IOException { original.flush(); }

            private void flushLine() {
                add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
        };
    }
}
