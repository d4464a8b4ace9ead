package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Map;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.http.ServerState;

/**
 * {@code /object_info}: every node definition in registration order, and one by class. A node
 * whose description fails (a combo whose options cannot be listed) is logged and left out, so
 * one broken node never hides the others.
 */
public final class ObjectInfoController {
    private ObjectInfoController() {}

    public static void all(Context ctx) {
        ServerState state = ServerState.of(ctx);
        ObjectNode out = Json.object();
        for (Map.Entry<String, Node> e : state.runtime().nodes().all().entrySet()) {
            ObjectNode def = describe(e.getKey(), e.getValue(), state.runtime().environment());
            if (def != null) out.set(e.getKey(), def);
        }
        Json.send(ctx, out);
    }

    /** {@code {class: def}}, or {@code {}} (still 200) when the class is unknown. */
    public static void one(Context ctx) {
        ServerState state = ServerState.of(ctx);
        String name = ctx.pathParam("class");
        ObjectNode out = Json.object();
        Node node = state.runtime().nodes().get(name);
        if (node != null) {
            ObjectNode def = describe(name, node, state.runtime().environment());
            if (def != null) out.set(name, def);
        }
        Json.send(ctx, out);
    }

    private static ObjectNode describe(String name, Node node, NodeEnvironment env) {
        try {
            return NodeDefinitionJson.of(node.schema(), env);
        } catch (RuntimeException e) {
            System.err.println("jcomfy: leaving node '" + name + "' out of /object_info: " + e);
            return null;
        }
    }
}
