package org.jcomfy.nodes.primitive;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** ComfyUI's PrimitiveBoolean: passes a constant BOOLEAN on. */
public final class PrimitiveBoolean implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("PrimitiveBoolean")
            .displayName("Boolean")
            .category("utils/primitive")
            .pythonModule("comfy_extras.nodes_primitive")
            .v3()
            .booleanInput("value", false)
            .output("BOOLEAN")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        return NodeOutput.of(inputs.getBoolean("value"));
    }
}
