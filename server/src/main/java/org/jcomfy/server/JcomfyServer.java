package org.jcomfy.server;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.server.execution.ExecutionApi;
import org.jcomfy.server.files.ExtraModelPaths;
import org.jcomfy.server.files.ModelFolders;
import org.jcomfy.server.http.CacheControl;
import org.jcomfy.server.http.ErrorResponses;
import org.jcomfy.server.http.LogBuffer;
import org.jcomfy.server.http.JettyErrors;
import org.jcomfy.server.http.OriginGuard;
import org.jcomfy.server.http.QueryString;
import org.jcomfy.server.http.ServerState;
import org.jcomfy.server.http.UploadLimit;
import org.jcomfy.server.routes.ExtensionsController;

/**
 * The running server: one Javalin (Jetty) instance serving the ComfyUI HTTP API, the /ws event
 * stream of {@link ExecutionApi} and the frontend on one port. Start it, read {@link #port()},
 * close it.
 */
public final class JcomfyServer implements AutoCloseable {
    /** Frames from the frontend (workflows with embedded images) exceed Jetty's 64 KiB default. */
    private static final long MAX_WEBSOCKET_MESSAGE = 64L << 20;

    private final Javalin app;
    private final ExecutionApi execution;
    private final ServerRuntime runtime;
    private final List<String> routes;

    private JcomfyServer(Javalin app, ExecutionApi execution, ServerRuntime runtime, List<String> routes) {
        this.app = app;
        this.execution = execution;
        this.runtime = runtime;
        this.routes = routes;
    }

    /** Starts with the nodes found on the class path. */
    public static JcomfyServer start(ServerOptions options) {
        return start(options, NodeRegistry.load(), List.of("jcomfy", "serve"));
    }

    /** Starts on the CPU device with {@link BackendOptions#defaults()} (tests, embedding). */
    public static JcomfyServer start(ServerOptions options, NodeRegistry nodes, List<String> argv) {
        return start(options, nodes, argv, BackendOptions.defaults());
    }

    /** Starts on the CPU device set up as {@code backend} says (what {@code jcomfy serve} and {@code run} read at start-up). */
    public static JcomfyServer start(ServerOptions options, NodeRegistry nodes, List<String> argv, BackendOptions backend) {
        prepareDirectories(options);
        ModelFolders models = ModelFolders.defaults(options.baseDirectory(), options.outputDirectory());
        Path defaultYaml = options.baseDirectory().resolve("extra_model_paths.yaml");
        if (Files.isRegularFile(defaultYaml)) ExtraModelPaths.load(defaultYaml, models);
        for (Path yaml : options.extraModelPathsConfig()) ExtraModelPaths.load(yaml, models);

        ServerEnvironment environment = new ServerEnvironment(options, models, Devices.cpu(backend),
                ByteBudgetSharedObjects.forThisMachine());
        ServerRuntime runtime = new ServerRuntime(options, nodes, environment);
        ServerState state = new ServerState(runtime, models, LogBuffer.installed(), List.copyOf(argv),
                ExtensionsController.bundledExtensions());
        long maxUpload = FeatureFlags.maxUploadBytes(options);
        List<String> hosts = Arrays.stream(options.listen().split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
        ExecutionApi execution = new ExecutionApi(runtime);
        JavalinRouteTable[] table = new JavalinRouteTable[1];

        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // --listen A,B: one connector per address. Javalin adds its own connector only when none
            // was configured, so with several addresses every one of them is added here.
            for (String host : hosts.size() > 1 ? hosts : List.<String>of()) {
                config.jetty.addConnector((server, http) -> {
                    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                    connector.setHost(host);
                    connector.setPort(options.port());
                    return connector;
                });
            }
            config.appData(ServerState.KEY, state);
            configureContainer(config, maxUpload);

            config.routes.before(ctx -> {
                QueryString.requireWellFormed(ctx);
                OriginGuard.check(ctx, options.enableCorsHeader());
                UploadLimit.check(ctx, maxUpload);
            });
            config.routes.wsBeforeUpgrade(ctx -> {
                QueryString.requireWellFormed(ctx);
                OriginGuard.check(ctx, options.enableCorsHeader());
            });
            config.routes.after(CacheControl::apply);
            if (options.verbose()) {
                config.requestLogger.http((ctx, ms) -> System.out.printf("jcomfy: %s %s -> %d (%.1f ms)%n",
                        ctx.method(), ctx.path(), ctx.statusCode(), ms));
            }
            ErrorResponses.register(config.routes, maxUpload);

            table[0] = new JavalinRouteTable(config.routes);
            Routes.registerApi(table[0]);
            execution.register(table[0]);
            Routes.registerUnprefixed(table[0]); // last: it ends with the frontend's catch-all
        });
        try {
            app.start(hosts.getFirst(), options.port());
        } catch (RuntimeException e) {
            execution.close();
            throw new IllegalStateException("cannot listen on " + options.listen() + ":" + options.port() + ": "
                    + rootMessage(e), e);
        }
        return new JcomfyServer(app, execution, runtime, table[0].registered());
    }

    /** The container limits and URI rules the ComfyUI protocol needs. */
    static void configureContainer(JavalinConfig config, long maxUpload) {
        // Javalin's own limit must not cut uploads short; UploadLimit answers ComfyUI's 413.
        config.http.maxRequestSize = maxUpload + 1;
        // Multipart a little over the limit is parsed whole and refused by UploadLimit.checkParts.
        config.jetty.multipartConfig.maxTotalRequestSize(maxUpload + UploadLimit.DRAIN_BYTES, SizeUnit.BYTES);
        config.jetty.multipartConfig.maxFileSize(maxUpload + UploadLimit.DRAIN_BYTES, SizeUnit.BYTES);
        config.jetty.modifyWebSocketServletFactory(ws -> {
            ws.setMaxTextMessageSize(MAX_WEBSOCKET_MESSAGE);
            ws.setMaxBinaryMessageSize(MAX_WEBSOCKET_MESSAGE);
        });
        // The frontend sends "workflows%2Fname.json" as one path segment: keep %2F undecoded until routing.
        config.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(UriCompliance.UNSAFE));
        config.jetty.modifyServletContextHandler(context -> {
            context.getServletHandler().setDecodeAmbiguousURIs(true);
            context.setErrorHandler(new JettyErrors());
        });
        config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
    }

    /** The port actually bound (the free one chosen for port 0). */
    public int port() { return app.port(); }

    public ServerRuntime runtime() { return runtime; }

    /** Every route registered, as "VERB /path", in registration order. */
    public List<String> routes() { return routes; }

    @Override
    public void close() {
        app.stop();
        execution.close();
        wipe(runtime.options().tempDirectory());
    }

    private static void prepareDirectories(ServerOptions o) {
        wipe(o.tempDirectory()); // ComfyUI deletes temp at start and exit
        for (Path dir : List.of(o.inputDirectory(), o.outputDirectory(), o.tempDirectory(), o.userDirectory())) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static void wipe(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("jcomfy: could not empty the temp directory " + dir + ": " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
