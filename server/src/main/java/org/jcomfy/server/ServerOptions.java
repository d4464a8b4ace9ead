package org.jcomfy.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Command-line options, with ComfyUI's flag names. Parsing and validation live in
 * {@code ServerOptionsParser}; this record is only the result.
 *
 * @param cacheMode     {@code classic}, {@code lru} or {@code none}
 * @param cacheLruSize  entries kept in {@code lru} mode
 * @param maxUploadSizeMb  --max-upload-size (ComfyUI's default is 100)
 * @param historyDatabase  the SQLite file that keeps the queue and history across restarts
 *                         (--history-db, default {@code <user>/jcomfy-history.db}); null keeps them
 *                         in memory only (--no-history-db)
 */
public record ServerOptions(
        String listen,
        int port,
        Path baseDirectory,
        Path outputDirectory,
        Path inputDirectory,
        Path tempDirectory,
        Path userDirectory,
        Path frontEndRoot,
        String enableCorsHeader,
        double maxUploadSizeMb,
        List<Path> extraModelPathsConfig,
        String previewMethod,
        String cacheMode,
        int cacheLruSize,
        boolean verbose,
        Path historyDatabase) {

    /** The history database's file name in the user directory, when --history-db does not name one. */
    public static final String DEFAULT_HISTORY_DATABASE = "jcomfy-history.db";

    /** Every option but the history database, which goes to its default place in {@code userDirectory}. */
    public ServerOptions(String listen, int port, Path baseDirectory, Path outputDirectory, Path inputDirectory,
                         Path tempDirectory, Path userDirectory, Path frontEndRoot, String enableCorsHeader,
                         double maxUploadSizeMb, List<Path> extraModelPathsConfig, String previewMethod,
                         String cacheMode, int cacheLruSize, boolean verbose) {
        this(listen, port, baseDirectory, outputDirectory, inputDirectory, tempDirectory, userDirectory, frontEndRoot,
                enableCorsHeader, maxUploadSizeMb, extraModelPathsConfig, previewMethod, cacheMode, cacheLruSize, verbose,
                userDirectory.resolve(DEFAULT_HISTORY_DATABASE));
    }

    /** Defaults as ComfyUI's, rooted at {@code base}; port 0 picks a free port (tests). */
    public static ServerOptions defaults(Path base, int port) {
        return new ServerOptions("127.0.0.1", port, base, base.resolve("output"), base.resolve("input"),
                base.resolve("temp"), base.resolve("user"), null, null, 100, List.of(), "auto", "classic", 0, false);
    }

    /** These options with another history database (null: in memory only). */
    public ServerOptions withHistoryDatabase(Path file) {
        return new ServerOptions(listen, port, baseDirectory, outputDirectory, inputDirectory, tempDirectory, userDirectory,
                frontEndRoot, enableCorsHeader, maxUploadSizeMb, extraModelPathsConfig, previewMethod, cacheMode,
                cacheLruSize, verbose, file);
    }
}
