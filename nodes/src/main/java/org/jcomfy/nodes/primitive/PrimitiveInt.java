package org.jcomfy.nodes.primitive;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/** ComfyUI's PrimitiveInt: passes a constant INT on (bounds are Python's ±sys.maxsize). */
public final class PrimitiveInt implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("PrimitiveInt")
            .displayName("Int")
            .category("utils/primitive")
            .pythonModule("comfy_extras.nodes_primitive")
            .v3()
            .intInput("value", 0, -Long.MAX_VALUE, Long.MAX_VALUE, 1, "control_after_generate", true)
            .output("INT")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) {
        return NodeOutput.of(inputs.getLong("value"));
    }
}
