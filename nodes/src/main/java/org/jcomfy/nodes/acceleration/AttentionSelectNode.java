package org.jcomfy.nodes.acceleration;

import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.attention.AttentionImplementation;
import org.jcomfy.backend.attention.AttentionRule;
import org.jcomfy.backend.attention.AttentionSelector;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.types.DiffusionModel;

/**
 * {@code AttentionSelect}: which attention implementation a MODEL runs, chosen per shape as
 * MindIE SD's {@code opt_mode} does. {@code auto-runtime} times every implementation the device
 * offers on the first call of a new shape (a few runs each) and keeps the fastest; {@code static}
 * picks by a rule table on the shape; a name always uses that implementation (falling back in
 * the device's order where it cannot run the shape). The options come from the device. The choice
 * belongs to the returned MODEL: another MODEL, or the same weights without this node, keeps the
 * device's default. Applied to a MODEL that already has one, the later node's choice replaces it.
 */
public final class AttentionSelectNode implements Node {
    public static final String AUTO_RUNTIME = "auto-runtime";
    public static final String STATIC = "static";

    private static final NodeSchema SCHEMA = NodeSchema.builder("AttentionSelect")
            .category("jcomfy/acceleration")
            .description("Chooses the attention implementation of this MODEL per shape: timed on first use "
                    + "(auto-runtime), by a rule table (static), or named. Each choice is reported in the log "
                    + "and as a jcomfy.attention_report event.")
            .socketInput("model", "MODEL")
            .dynamicComboInput("mode", AttentionSelectNode::modes,
                    "tooltip", "auto-runtime: time each implementation on the first call of a shape and keep the fastest; "
                            + "static: a rule table on the shape; a name: always that implementation")
            .output("MODEL")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    /** The two selecting modes, then the device's implementations by name. */
    static List<String> modes(NodeEnvironment env) {
        List<String> modes = new ArrayList<>(List.of(AUTO_RUNTIME, STATIC));
        for (AttentionImplementation impl : env.device().attentionImplementations()) modes.add(impl.name());
        return modes;
    }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        DiffusionModel model = in.get("model", DiffusionModel.class);
        String mode = in.getString("mode");
        List<AttentionImplementation> implementations = context.device().attentionImplementations();
        AttentionSelector selector = switch (mode) {
            case AUTO_RUNTIME -> AttentionSelector.runtime(implementations);
            case STATIC -> AttentionSelector.staticRules(rulesFor(implementations), implementations);
            default -> AttentionSelector.manual(mode, implementations);
        };
        return NodeOutput.of(model.withAttention(new AttentionPolicy(mode, selector)));
    }

    /** The default rule table, less the rules naming an implementation this device lacks. */
    private static List<AttentionRule> rulesFor(List<AttentionImplementation> implementations) {
        List<String> names = implementations.stream().map(AttentionImplementation::name).toList();
        return AttentionRule.defaults().stream().filter(rule -> names.contains(rule.implementation())).toList();
    }
}
