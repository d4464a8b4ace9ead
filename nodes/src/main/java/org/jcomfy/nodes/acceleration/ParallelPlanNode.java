package org.jcomfy.nodes.acceleration;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.models.parallel.ParallelPlan;
import org.jcomfy.nodes.types.DiffusionModel;

/**
 * {@code ParallelPlan}: spreads each denoising step of this MODEL over several ranks with exactly
 * the one-rank result, as xDiT's USP and MindIE SD's sequence parallelism do: Ulysses splits the
 * attention heads, Ring rotates key/value shards, and CFG parallel runs the cond and uncond
 * branches on two rank groups at once. {@code ranks: local} means in-process ranks, threads of this
 * JVM on its one device, up to {@link ParallelPlan#MAX_LOCAL_RANKS}. The world size is checked when
 * the prompt is validated (it needs only the widgets), the head count when the node runs (it needs
 * the model). Applied to a MODEL that already has a plan, the later node's plan replaces it.
 *
 * <p>With cfg 1.0 a sampler has no uncond branch: cfg_parallel then runs the cond branch on the
 * first group alone and leaves the second idle, so the prompt runs rather than failing on a
 * widget that has nothing to do (the sampler logs it).
 */
public final class ParallelPlanNode implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("ParallelPlan")
            .category("jcomfy/acceleration")
            .description("Runs each step of this MODEL on several ranks with the one-rank result: the token sequence split "
                    + "over ulysses_size x ring_size ranks (Ulysses: heads all-to-all; Ring: rotating keys and values), and "
                    + "with cfg_parallel the cond and uncond branches on two such groups at once. local: in-process ranks "
                    + "(threads of this JVM), at most " + ParallelPlan.MAX_LOCAL_RANKS + ".")
            .socketInput("model", "MODEL")
            .intInput("ulysses_size", 1, 1, ParallelPlan.MAX_LOCAL_RANKS, 1,
                    "tooltip", "ranks that split the attention heads; must divide the model's head count")
            .intInput("ring_size", 1, 1, ParallelPlan.MAX_LOCAL_RANKS, 1,
                    "tooltip", "ranks of the ring that rotates key/value shards")
            .booleanInput("cfg_parallel", false,
                    "tooltip", "evaluate the cond and uncond branches on two rank groups at once (doubles the ranks)")
            .comboInput("ranks", List.of(ParallelPlan.LOCAL),
                    "tooltip", "local: in-process ranks, each a thread of this JVM, up to " + ParallelPlan.MAX_LOCAL_RANKS)
            .output("MODEL")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validateInputs(NodeInputs in, NodeEnvironment environment) {
        if (!in.has("ulysses_size") || !in.has("ring_size") || !in.has("cfg_parallel") || !in.has("ranks")) return null;
        // Sizes below 1 and unknown sources are the declared min and combo checks' to report.
        if (in.getLong("ulysses_size") < 1 || in.getLong("ring_size") < 1 || !ParallelPlan.LOCAL.equals(in.getString("ranks"))) return null;
        return plan(in).worldProblem();
    }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        DiffusionModel model = in.get("model", DiffusionModel.class);
        ParallelPlan plan = plan(in);
        String problem = plan.problemFor(model.net().heads());
        if (problem != null) throw new IllegalArgumentException(problem + " (" + model.net().architecture() + ")");
        return NodeOutput.of(model.withParallel(plan));
    }

    private static ParallelPlan plan(NodeInputs in) {
        return new ParallelPlan(in.getInt("ulysses_size"), in.getInt("ring_size"), in.getBoolean("cfg_parallel"), in.getString("ranks"));
    }
}
