package org.jcomfy.nodes.primitive;

import java.util.List;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeProvider;

/** The constant-value nodes of ComfyUI's {@code comfy_extras/nodes_primitive.py}. */
public final class PrimitiveNodes implements NodeProvider {
    @Override
    public List<Node> nodes() {
        return List.of(new PrimitiveString(), new PrimitiveStringMultiline(), new PrimitiveInt(), new PrimitiveFloat(),
                new PrimitiveBoolean());
    }
}
