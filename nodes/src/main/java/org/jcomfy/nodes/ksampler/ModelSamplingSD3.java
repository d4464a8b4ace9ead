package org.jcomfy.nodes.ksampler;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.types.DiffusionModel;

/** A copy of the model with discrete-flow sampling at the given shift (Wan's examples use 8). */
public final class ModelSamplingSD3 implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ModelSamplingSD3")
            .category("advanced/model")
            .pythonModule("comfy_extras.nodes_model_advanced")
            .socketInput("model", "MODEL")
            .floatInput("shift", 3.0, 0.0, 100.0, 0.01)
            .output("MODEL")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        return NodeOutput.of(in.get("model", DiffusionModel.class).withShift(in.getDouble("shift")));
    }
}
