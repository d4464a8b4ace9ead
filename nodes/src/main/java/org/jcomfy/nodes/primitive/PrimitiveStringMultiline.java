package org.jcomfy.nodes.primitive;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** ComfyUI's PrimitiveStringMultiline: passes a constant multi-line STRING on. */
public final class PrimitiveStringMultiline implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("PrimitiveStringMultiline")
            .displayName("String (Multiline)")
            .category("utils/primitive")
            .pythonModule("comfy_extras.nodes_primitive")
            .v3()
            .stringInput("value", "", true)
            .output("STRING")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        return NodeOutput.of(inputs.getString("value"));
    }
}
