package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.jcomfy.nodes.api.SharedObjects;
import org.jcomfy.server.ByteBudgetSharedObjects;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * {@code GET /api/jcomfy/models}: the models held in memory now, for jcomfy's frontend panel.
 * ComfyUI has no such route (its model management is inside PyTorch); jcomfy's loaders keep their
 * models in the shared-object cache under {@code <folder>/<file>[|<weight dtype>]} keys, so this
 * lists that cache, the largest first:
 * {@code {"budget_bytes","used_bytes","models":[{"key","folder","name","variant","bytes"}]}}.
 */
public final class LoadedModelsController {
    private LoadedModelsController() {}

    public static void list(Context ctx) {
        SharedObjects shared = ServerState.of(ctx).runtime().environment().shared();
        ObjectNode body = Json.object();
        ArrayNode models = Json.array();
        long used = 0;
        if (shared instanceof ByteBudgetSharedObjects budgeted) {
            body.put("budget_bytes", budgeted.budgetBytes());
            for (ByteBudgetSharedObjects.Held held : budgeted.held()) {
                models.add(describe(held));
                used += held.bytes();
            }
        } else {
            // an embedding application's own cache: nothing to list, and no budget to report
            body.putNull("budget_bytes");
        }
        body.put("used_bytes", used);
        body.set("models", models);
        Json.send(ctx, body);
    }

    private static ObjectNode describe(ByteBudgetSharedObjects.Held held) {
        ObjectNode m = Json.object();
        String key = held.key();
        m.put("key", key);
        int slash = key.indexOf('/');
        int bar = key.lastIndexOf('|');
        String name = key.substring(slash + 1, bar > slash ? bar : key.length());
        m.put("folder", slash > 0 ? key.substring(0, slash) : "");
        m.put("name", name);
        if (bar > slash) m.put("variant", key.substring(bar + 1));
        else m.putNull("variant");
        m.put("bytes", held.bytes());
        return m;
    }
}
