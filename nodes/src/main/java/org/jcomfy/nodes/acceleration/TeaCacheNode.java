package org.jcomfy.nodes.acceleration;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/**
 * {@code WanTeaCache}: TeaCache for Wan2.1 with the published coefficients of the official port
 * ({@link TeaCache}). Thresholds the port recommends for 1.3B: 0.05 (about 1.5x) to 0.08 (about 2x).
 */
public final class TeaCacheNode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("WanTeaCache")
            .displayName("TeaCache (Wan2.1)")
            .category("jcomfy/acceleration")
            .description("Skips every DiT block on steps whose timestep embedding changed little since the last computed "
                    + "step, adding that step's residual instead (TeaCache, Wan2.1 port).")
            .socketInput("model", "MODEL")
            .comboInputWithDefault("model_type", List.of("wan2.1_t2v_1.3B", "wan2.1_t2v_14B"), "wan2.1_t2v_1.3B",
                    "tooltip", "which published rescaling coefficients to use")
            .comboInputWithDefault("mode", List.of("e", "e0"), "e", "tooltip",
                    "indicator: e (timestep embedding; first and last step computed) or e0 (time projection; first 5 steps computed)")
            .floatInput("rel_l1_thresh", 0.08, 0.0, 10.0, 0.001, "tooltip", "higher skips more steps")
            .intInput("start_step", 0, 0, 10_000, 1, "tooltip", "steps before this always compute")
            .intInput("end_step", -1, -1, 10_000, 1, "tooltip", "steps after this always compute; -1: the last step")
            .output("MODEL")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validateInputs(NodeInputs in, NodeEnvironment environment) {
        if (in.has("start_step") && in.has("end_step") && in.getLong("end_step") >= 0
                && in.getLong("start_step") > in.getLong("end_step")) {
            return "start_step (" + in.getLong("start_step") + ") must not be after end_step (" + in.getLong("end_step") + ")";
        }
        return null;
    }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        boolean e0 = in.getString("mode").equals("e0");
        String size = in.getString("model_type").endsWith("1.3B") ? "1.3B" : "14B";
        TeaCache policy = new TeaCache(in.getDouble("rel_l1_thresh"), e0, TeaCache.coefficients(size, e0),
                in.getInt("start_step"), in.getInt("end_step"));
        return NodeOutput.of(EasyCacheNodes.withCache(in, policy));
    }
}
