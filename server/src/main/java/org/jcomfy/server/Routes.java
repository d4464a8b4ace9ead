package org.jcomfy.server;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import org.jcomfy.server.routes.ExtensionsController;
import org.jcomfy.server.routes.FrontendController;
import org.jcomfy.server.routes.InternalController;
import org.jcomfy.server.routes.LoadedModelsController;
import org.jcomfy.server.routes.ModelsController;
import org.jcomfy.server.routes.ObjectInfoController;
import org.jcomfy.server.routes.RanksController;
import org.jcomfy.server.routes.SettingsController;
import org.jcomfy.server.routes.SystemController;
import org.jcomfy.server.routes.UploadController;
import org.jcomfy.server.routes.UserDataController;
import org.jcomfy.server.routes.UsersController;
import org.jcomfy.server.routes.ViewController;

/**
 * Every HTTP route of the server side that is not execution, as a table in the order of
 * PROTOCOL §1.3. The execution routes ({@code /prompt}, {@code /queue}, {@code /history},
 * {@code /api/jobs}, {@code /interrupt}, {@code /free}, {@code /ws}) are declared by
 * {@link org.jcomfy.server.execution.ExecutionApi}.
 */
public final class Routes {
    private Routes() {}

    /** One route: verb, path (Javalin syntax: {@code {name}} one segment, {@code <name>} any rest), handler. */
    public record Route(HandlerType verb, String path, Handler handler) {}

    /** Registered at {@code /x} and {@code /api/x}. */
    public static final List<Route> API = List.of(
            new Route(GET, "/users", UsersController::list),
            new Route(POST, "/users", UsersController::create),
            new Route(GET, "/settings", SettingsController::all),
            new Route(POST, "/settings", SettingsController::merge),
            new Route(GET, "/settings/{id}", SettingsController::one),
            new Route(POST, "/settings/{id}", SettingsController::set),
            new Route(GET, "/userdata", UserDataController::list),
            new Route(GET, "/userdata/{file}", UserDataController::read),
            new Route(POST, "/userdata/{file}", UserDataController::write),
            new Route(DELETE, "/userdata/{file}", UserDataController::delete),
            new Route(POST, "/userdata/{file}/move/{dest}", UserDataController::move),
            new Route(GET, "/v2/userdata", UserDataController::listV2),
            new Route(GET, "/i18n", ExtensionsController::i18n),
            new Route(GET, "/extensions", ExtensionsController::list),
            new Route(GET, "/object_info", ObjectInfoController::all),
            new Route(GET, "/object_info/{class}", ObjectInfoController::one),
            new Route(GET, "/system_stats", SystemController::systemStats),
            new Route(GET, "/features", SystemController::features),
            new Route(GET, "/global_subgraphs", SystemController::globalSubgraphs),
            new Route(GET, "/global_subgraphs/{id}", SystemController::globalSubgraph),
            new Route(GET, "/node_replacements", SystemController::nodeReplacements),
            new Route(GET, "/workflow_templates", SystemController::workflowTemplates),
            new Route(GET, "/jcomfy/ranks", RanksController::ranks),
            new Route(GET, "/embeddings", ModelsController::embeddings),
            new Route(GET, "/models", ModelsController::folders),
            new Route(GET, "/models/{folder}", ModelsController::files),
            new Route(GET, "/experiment/models", ModelsController::experimentFolders),
            new Route(GET, "/experiment/models/{folder}", ModelsController::experimentFiles),
            new Route(GET, "/experiment/models/preview/{folder}/{path_index}/<filename>", ModelsController::experimentPreview),
            new Route(GET, "/view_metadata/{folder}", ModelsController::viewMetadata),
            new Route(GET, "/jcomfy/models", LoadedModelsController::list),
            new Route(GET, "/view", ViewController::view),
            new Route(POST, "/upload/image", UploadController::image),
            new Route(POST, "/upload/mask", UploadController::mask));

    /** Registered once, as upstream mounts them: {@code /internal} and the static mounts, the frontend last. */
    public static final List<Route> UNPREFIXED = List.of(
            new Route(GET, "/internal/logs", InternalController::logs),
            new Route(GET, "/internal/logs/raw", InternalController::logsRaw),
            new Route(PATCH, "/internal/logs/subscribe", InternalController::subscribeLogs),
            new Route(GET, "/internal/folder_paths", InternalController::folderPaths),
            new Route(GET, "/internal/files/{type}", InternalController::files),
            new Route(GET, "/extensions/jcomfy/<path>", ExtensionsController::bundledFile),
            new Route(GET, "/api/workflow_templates/{pack}/<file>", SystemController::workflowTemplateFile),
            new Route(GET, "/", FrontendController::index),
            new Route(GET, "/<path>", FrontendController::staticFile));

    public static void registerApi(JavalinRouteTable table) {
        for (Route r : API) table.add(r.verb(), r.path(), r.handler());
    }

    public static void registerUnprefixed(JavalinRouteTable table) {
        for (Route r : UNPREFIXED) table.unprefixed(r.verb(), r.path(), r.handler());
    }
}
