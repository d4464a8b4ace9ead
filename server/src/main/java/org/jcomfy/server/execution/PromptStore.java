package org.jcomfy.server.execution;

import org.jcomfy.server.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the queue and the history outlive the process ({@code --history-db}): one SQLite file
 * with a {@code queue} table (every pending prompt, and the running one flagged) and a
 * {@code history} table (finished prompts, oldest first). {@link PromptQueue} and {@link History}
 * stay the in-memory truth while the server runs and tell this store each change, so reads never
 * touch the disk; the store is read once, at start-up ({@link #load()}).
 *
 * <p>{@link #none()} is the same class without a file ({@code --no-history-db}): every write is a
 * no-op and {@link #load()} finds nothing, so the queue and history behave exactly as with a file
 * and only forget on exit. That keeps one code path instead of a memory twin and a database twin.
 *
 * <p>Crash safety: each change is one transaction in WAL mode, so a SIGKILL loses nothing already
 * answered. {@code synchronous=NORMAL} skips the fsync per commit (a power cut may lose the last
 * few changes, never corrupt the file), which keeps a write to well under a millisecond on the
 * executor thread. The file is opened with an exclusive lock: a second server on the same file
 * would run the same prompts twice, so it is refused at start.
 *
 * <p>The Comfy Org credentials of a prompt ({@link QueueItem#sensitive()}) are never written: a
 * prompt resumed after a restart runs without them.
 *
 * <p>A write that fails (disk full, file removed) is logged and the server goes on in memory: the
 * database must never stop the executor.
 */
final class PromptStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PromptStore.class);
    private static final int SCHEMA_VERSION = 1;

    /** A queue row found at start-up: the prompt, its row, and whether it was running when the server stopped. */
    record SavedPrompt(long row, QueueItem item, boolean running) {}

    /** A history row found at start-up. */
    record SavedEntry(String promptId, ObjectNode entry) {}

    /** What the last run left: the queue rows and the history, each in the order they were written. */
    record Saved(List<SavedPrompt> queue, List<SavedEntry> history) {}

    private final Path file;
    private final Connection db; // null for none(); guarded by this

    private PromptStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** A store that keeps nothing (--no-history-db). */
    static PromptStore none() { return new PromptStore(null, null); }

    /** Opens (or creates) the database file; a clear message when it cannot, or when another server holds it. */
    static PromptStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the history database " + file + ": " + e.getMessage(), e);
        }
        Connection db = null;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                // EXCLUSIVE before WAL: the WAL index then lives in this process, and the lock taken by
                // the first write below is held until close (the kernel drops it if the process dies).
                s.execute("PRAGMA locking_mode=EXCLUSIVE");
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=0");
            }
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                int version;
                try (ResultSet r = s.executeQuery("PRAGMA user_version")) { version = r.getInt(1); }
                if (version > SCHEMA_VERSION) {
                    throw new IllegalStateException("the history database " + file + " was written by a newer jcomfy (schema "
                            + version + "); use another --history-db or --no-history-db");
                }
                s.execute("CREATE TABLE IF NOT EXISTS queue (row INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " prompt_id TEXT NOT NULL, item TEXT NOT NULL, running INTEGER NOT NULL DEFAULT 0)");
                s.execute("CREATE TABLE IF NOT EXISTS history (row INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " prompt_id TEXT NOT NULL UNIQUE, entry TEXT NOT NULL)");
                s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
            db.commit();
            return new PromptStore(file, db);
        } catch (SQLException e) {
            closeQuietly(db);
            String why = e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY")
                    ? "it is in use by another jcomfy server"
                    : e.getMessage();
            throw new IllegalStateException("cannot open the history database " + file + ": " + why
                    + " (choose another with --history-db PATH, or --no-history-db)", e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            throw e;
        }
    }

    /** The file, or null when nothing is kept. */
    Path file() { return file; }

    /** Reads what the last run left (empty for none()). Unreadable rows are logged and skipped. */
    synchronized Saved load() {
        List<SavedPrompt> queue = new ArrayList<>();
        List<SavedEntry> history = new ArrayList<>();
        if (db == null) return new Saved(queue, history);
        try (Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT row, item, running FROM queue ORDER BY row")) {
                while (r.next()) {
                    QueueItem item = itemOf(r.getLong(1), r.getString(2));
                    if (item != null) queue.add(new SavedPrompt(r.getLong(1), item, r.getInt(3) != 0));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT prompt_id, entry FROM history ORDER BY row")) {
                while (r.next()) {
                    JsonNode entry = parse("history entry " + r.getString(1), r.getString(2));
                    if (entry instanceof ObjectNode o) history.add(new SavedEntry(r.getString(1), o));
                }
            }
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the history database " + file + ": " + e.getMessage(), e);
        }
        return new Saved(queue, history);
    }

    /** A prompt joined the queue; returns its row (0 when nothing is kept). */
    synchronized long queued(QueueItem item) {
        if (db == null) return 0;
        String json = item.tuple().toString();
        return write("queue " + item.promptId(), () -> {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO queue (prompt_id, item) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, item.promptId());
                p.setString(2, json);
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) { return keys.next() ? keys.getLong(1) : 0L; }
            }
        }, 0L);
    }

    /** The prompt in {@code row} is now the running one. */
    synchronized void started(long row) {
        if (db == null) return;
        write("start row " + row, () -> {
            try (PreparedStatement p = db.prepareStatement("UPDATE queue SET running = 1 WHERE row = ?")) {
                p.setLong(1, row);
                p.executeUpdate();
            }
            return null;
        }, null);
    }

    /** Pending prompts left the queue without running (deleted, cleared or cancelled). */
    synchronized void dequeued(Collection<Long> rows) {
        if (db == null || rows.isEmpty()) return;
        write("dequeue " + rows.size() + " rows", () -> {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM queue WHERE row = ?")) {
                for (long row : rows) {
                    p.setLong(1, row);
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        }, null);
    }

    /**
     * A history entry was written: in one transaction it replaces any older entry of the prompt
     * (moving it last, as ComfyUI's dict does), drops the {@code evicted} oldest ones, and removes
     * the prompt's running queue row, so a crash can never leave a finished prompt to be marked
     * interrupted on the next start.
     */
    synchronized void recorded(String promptId, ObjectNode entry, Collection<String> evicted) {
        if (db == null) return;
        String json = entry.toString();
        write("history " + promptId, () -> {
            try (PreparedStatement del = db.prepareStatement("DELETE FROM history WHERE prompt_id = ?");
                 PreparedStatement ins = db.prepareStatement("INSERT INTO history (prompt_id, entry) VALUES (?, ?)");
                 PreparedStatement run = db.prepareStatement("DELETE FROM queue WHERE prompt_id = ? AND running = 1")) {
                del.setString(1, promptId);
                del.executeUpdate();
                for (String old : evicted) {
                    del.setString(1, old);
                    del.executeUpdate();
                }
                ins.setString(1, promptId);
                ins.setString(2, json);
                ins.executeUpdate();
                run.setString(1, promptId);
                run.executeUpdate();
            }
            return null;
        }, null);
    }

    /** History entries removed by POST /history {"delete": [...]}. */
    synchronized void forgotten(Collection<String> promptIds) {
        if (db == null || promptIds.isEmpty()) return;
        write("delete history", () -> {
            try (PreparedStatement p = db.prepareStatement("DELETE FROM history WHERE prompt_id = ?")) {
                for (String id : promptIds) {
                    p.setString(1, id);
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        }, null);
    }

    /** POST /history {"clear": true}. */
    synchronized void historyCleared() {
        if (db == null) return;
        write("clear history", () -> {
            try (Statement s = db.createStatement()) { s.executeUpdate("DELETE FROM history"); }
            return null;
        }, null);
    }

    @Override
    public synchronized void close() { closeQuietly(db); }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs one transaction; a failure is rolled back and logged, and {@code otherwise} returned. */
    private <T> T write(String what, Work<T> work, T otherwise) {
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            LOG.error("history database {}: could not save {} ({}); the server goes on in memory", file, what, e.getMessage());
            LOG.debug("history database failure", e);
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the connection is gone; later writes will log their own failure
            }
            return otherwise;
        }
    }

    private static QueueItem itemOf(long row, String json) {
        JsonNode t = parse("queue row " + row, json);
        if (t == null || !t.isArray() || t.size() < 5 || !t.get(2).isObject() || !t.get(3).isObject()) return null;
        List<String> outputs = new ArrayList<>();
        t.get(4).forEach(o -> outputs.add(o.asText()));
        return new QueueItem(t.get(0), t.get(1).asText(), (ObjectNode) t.get(2), (ObjectNode) t.get(3), outputs, Json.object());
    }

    private static JsonNode parse(String what, String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            LOG.warn("history database: skipping an unreadable {}: {}", what, e.getMessage());
            return null;
        }
    }

    private static void closeQuietly(Connection db) {
        if (db == null) return;
        try {
            db.close();
        } catch (SQLException e) {
            LOG.debug("closing the history database failed", e);
        }
    }
}
