package org.jcomfy.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code jcomfy serve} arguments, spelled as ComfyUI spells them, into {@link ServerOptions}.
 * Both {@code --flag value} and {@code --flag=value} work. Anything unknown or malformed is a
 * {@link UsageException} whose message says what was wrong; {@link #USAGE} lists every flag.
 */
public final class ServerOptionsParser {

    public static final String USAGE = """
            usage: jcomfy serve [flags]

              --listen [IP[,IP...]]          addresses to bind (default 127.0.0.1; bare --listen means 0.0.0.0)
              --port PORT                    port (default 8188; 0 picks a free one)
              --base-directory DIR           root of models/, input/, output/, temp/, user/, custom_nodes/ (default: current directory)
              --output-directory DIR         default <base>/output
              --input-directory DIR          default <base>/input
              --temp-directory DIR           temp files go to DIR/temp (default <base>/temp); wiped at start
              --user-directory DIR           settings and saved workflows (default <base>/user)
              --front-end-root DIR           a built ComfyUI frontend to serve at /
              --enable-cors-header [ORIGIN]  send CORS headers (bare: *) and drop the same-origin check
              --max-upload-size MB           request body limit in MB (default 100)
              --extra-model-paths-config PATH...  extra_model_paths.yaml files (repeatable)
              --preview-method METHOD        none | auto | latent2rgb | taesd
              --cache-classic                keep only the last prompt's node outputs (default)
              --cache-lru N                  keep up to N node outputs across prompts
              --cache-none                   re-run every node every time
              --verbose [LEVEL]              log more (bare, or DEBUG)
              --history-db PATH              keep the queue and history in this SQLite file, so a restart
                                             resumes pending prompts (default <user>/jcomfy-history.db)
              --no-history-db                keep the queue and history in memory only (lost on exit, as ComfyUI)
              --help                         this text

            examples:
              jcomfy serve
              jcomfy serve --listen --port 8080 --front-end-root ~/comfy-frontend/static
            """;

    private static final Set<String> PREVIEW_METHODS = Set.of("none", "auto", "latent2rgb", "taesd");
    private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

    private final Path workingDirectory;

    /** @param workingDirectory what relative paths and the default base directory resolve against */
    public ServerOptionsParser(Path workingDirectory) {
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    /** Thrown for {@code --help}: not an error, the caller prints {@link #USAGE} and exits 0. */
    public static final class HelpRequested extends Exception {
        public HelpRequested() { super("help"); }
    }

    public ServerOptions parse(String... args) throws UsageException, HelpRequested {
        String listen = "127.0.0.1";
        int port = 8188;
        Path base = null, output = null, input = null, temp = null, user = null, frontEnd = null;
        String cors = null;
        double maxUploadMb = 100;
        List<Path> extraModelPaths = new ArrayList<>();
        String previewMethod = null;
        String cacheMode = null;
        int lruSize = 0;
        boolean verbose = false;
        Path historyDb = null;
        boolean noHistoryDb = false;

        Args a = new Args(args);
        while (a.hasNext()) {
            String flag = a.nextFlag();
            switch (flag) {
                case "--help", "-h" -> throw new HelpRequested();
                case "--listen" -> {
                    listen = a.optionalValue("0.0.0.0");
                    for (String host : listen.split(",", -1)) {
                        if (host.isBlank()) throw new UsageException("--listen takes addresses separated by commas (got '" + listen + "')");
                    }
                }
                case "--port" -> port = intValue(flag, a.value(flag), 0, 65535);
                case "--base-directory" -> base = path(a.value(flag));
                case "--output-directory" -> output = path(a.value(flag));
                case "--input-directory" -> input = path(a.value(flag));
                case "--temp-directory" -> temp = path(a.value(flag)).resolve("temp");
                case "--user-directory" -> user = path(a.value(flag));
                case "--front-end-root" -> frontEnd = existingDirectory(flag, path(a.value(flag)));
                case "--enable-cors-header" -> cors = a.optionalValue("*");
                case "--max-upload-size" -> maxUploadMb = positiveNumber(flag, a.value(flag));
                case "--extra-model-paths-config" -> {
                    List<String> values = a.values(flag);
                    for (String v : values) extraModelPaths.add(existingFile(flag, path(v)));
                }
                case "--preview-method" -> {
                    String v = a.value(flag);
                    if (!PREVIEW_METHODS.contains(v)) {
                        throw new UsageException("--preview-method must be one of none, auto, latent2rgb, taesd (got '" + v + "')");
                    }
                    previewMethod = v;
                }
                case "--cache-classic" -> cacheMode = cacheMode(cacheMode, "classic", flag);
                case "--cache-none" -> cacheMode = cacheMode(cacheMode, "none", flag);
                case "--cache-lru" -> {
                    cacheMode = cacheMode(cacheMode, "lru", flag);
                    lruSize = intValue(flag, a.value(flag), 0, Integer.MAX_VALUE);
                }
                case "--verbose" -> {
                    String level = a.optionalValue("DEBUG").toUpperCase();
                    if (!LOG_LEVELS.contains(level)) {
                        throw new UsageException("--verbose takes DEBUG, INFO, WARNING, ERROR or CRITICAL (got '" + level + "')");
                    }
                    verbose = level.equals("DEBUG");
                }
                case "--history-db" -> historyDb = path(a.value(flag));
                case "--no-history-db" -> noHistoryDb = true;
                default -> throw new UsageException("unknown flag '" + flag + "'");
            }
        }

        if (historyDb != null && noHistoryDb) throw new UsageException("--history-db cannot be combined with --no-history-db");
        if (historyDb != null && Files.isDirectory(historyDb)) {
            throw new UsageException("--history-db: '" + historyDb + "' is a directory (give a file, e.g. "
                    + historyDb.resolve(ServerOptions.DEFAULT_HISTORY_DATABASE) + ")");
        }
        if (base == null) base = workingDirectory;
        ServerOptions d = ServerOptions.defaults(base, port);
        ServerOptions parsed = new ServerOptions(listen, port, base,
                output != null ? output : d.outputDirectory(),
                input != null ? input : d.inputDirectory(),
                temp != null ? temp : d.tempDirectory(),
                user != null ? user : d.userDirectory(),
                frontEnd, cors, maxUploadMb, List.copyOf(extraModelPaths),
                previewMethod != null ? previewMethod : d.previewMethod(),
                cacheMode != null ? cacheMode : d.cacheMode(),
                lruSize, verbose);
        return noHistoryDb ? parsed.withHistoryDatabase(null)
                : historyDb != null ? parsed.withHistoryDatabase(historyDb) : parsed;
    }

    private Path path(String value) {
        String v = value.startsWith("~/") ? System.getProperty("user.home") + value.substring(1) : value;
        return workingDirectory.resolve(v).normalize();
    }

    private static Path existingDirectory(String flag, Path p) throws UsageException {
        if (!Files.isDirectory(p)) throw new UsageException(flag + ": '" + p + "' is not a directory");
        return p;
    }

    private static Path existingFile(String flag, Path p) throws UsageException {
        if (!Files.isRegularFile(p)) throw new UsageException(flag + ": no file '" + p + "'");
        return p;
    }

    private static String cacheMode(String current, String wanted, String flag) throws UsageException {
        if (current != null) {
            throw new UsageException(flag + " cannot be combined with --cache-" + current + " (choose one cache mode)");
        }
        return wanted;
    }

    private static int intValue(String flag, String v, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new UsageException(flag + " must be between " + min + " and " + max + " (got " + v + ")");
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " takes an integer (got '" + v + "')");
        }
    }

    private static double positiveNumber(String flag, String v) throws UsageException {
        try {
            double n = Double.parseDouble(v);
            if (!(n > 0) || Double.isInfinite(n)) throw new UsageException(flag + " must be a positive number (got " + v + ")");
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " takes a number of megabytes (got '" + v + "')");
        }
    }

    /** A cursor over the arguments that understands {@code --flag=value} and optional values. */
    private static final class Args {
        private final String[] args;
        private int i;
        private String inlineValue; // the part after '=' of the current flag, if any

        Args(String[] args) { this.args = args; }

        boolean hasNext() { return i < args.length; }

        String nextFlag() throws UsageException {
            String arg = args[i++];
            if (!arg.startsWith("-")) throw new UsageException("unexpected argument '" + arg + "' (flags start with --)");
            int eq = arg.indexOf('=');
            inlineValue = eq > 0 ? arg.substring(eq + 1) : null;
            return eq > 0 ? arg.substring(0, eq) : arg;
        }

        String value(String flag) throws UsageException {
            if (inlineValue != null) return inlineValue;
            if (i >= args.length || isFlag(args[i])) throw new UsageException(flag + " needs a value");
            return args[i++];
        }

        String optionalValue(String whenBare) {
            if (inlineValue != null) return inlineValue;
            if (i < args.length && !isFlag(args[i])) return args[i++];
            return whenBare;
        }

        List<String> values(String flag) throws UsageException {
            List<String> out = new ArrayList<>();
            if (inlineValue != null) out.add(inlineValue);
            while (i < args.length && !isFlag(args[i])) out.add(args[i++]);
            if (out.isEmpty()) throw new UsageException(flag + " needs at least one value");
            return out;
        }

        private static boolean isFlag(String s) { return s.startsWith("--"); }
    }
}
