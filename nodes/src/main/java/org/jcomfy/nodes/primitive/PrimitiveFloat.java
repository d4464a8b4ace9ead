package org.jcomfy.nodes.primitive;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** ComfyUI's PrimitiveFloat: passes a constant FLOAT on. */
public final class PrimitiveFloat implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("PrimitiveFloat")
            .displayName("Float")
            .category("utils/primitive")
            .pythonModule("comfy_extras.nodes_primitive")
            .v3()
            .floatInput("value", 0.0, -Long.MAX_VALUE, Long.MAX_VALUE, 0.1)
            .output("FLOAT")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        return NodeOutput.of(inputs.getDouble("value"));
    }
}
