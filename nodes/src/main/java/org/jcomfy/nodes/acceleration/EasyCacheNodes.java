package org.jcomfy.nodes.acceleration;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.types.DiffusionModel;

/**
 * ComfyUI core's {@code EasyCache} and {@code LazyCache} nodes with ComfyUI's schemas (v3,
 * experimental, {@code advanced/debug}), so saved workflows that use them run unchanged. Both
 * take the same knobs; they differ in where the cache sits ({@link EasyCache}, {@link LazyCache}).
 * {@code verbose} is accepted; jcomfy always logs the summary and sends {@code jcomfy.cache_report}.
 */
public final class EasyCacheNodes {
    private EasyCacheNodes() {}

    private static NodeSchema cacheSchema(String name, String description) {
        return NodeSchema.builder(name)
                .v3().displayName(name)
                .description(description)
                .category("advanced/debug")
                .pythonModule("comfy_extras.nodes_easycache")
                .experimental()
                .socketInput("model", "MODEL", "tooltip", "The model to add " + name + " to.")
                .floatInput("reuse_threshold", 0.2, 0.0, 3.0, 0.01, "tooltip", "The threshold for reusing cached steps.",
                        "advanced", true)
                .floatInput("start_percent", 0.15, 0.0, 1.0, 0.01, "tooltip",
                        "The relative sampling step to begin use of " + name + ".", "advanced", true)
                .floatInput("end_percent", 0.95, 0.0, 1.0, 0.01, "tooltip",
                        "The relative sampling step to end use of " + name + ".", "advanced", true)
                .booleanInput("verbose", false, "tooltip", "Whether to log verbose information.", "advanced", true)
                .output(new OutputSpec("MODEL", "MODEL", false, "The model with " + name + "."))
                .build();
    }

    static DiffusionModel withCache(NodeInputs in, CachePolicy policy) {
        DiffusionModel model = in.get("model", DiffusionModel.class);
        if (model.options().cache() != CachePolicy.NONE) {
            throw new IllegalArgumentException("this MODEL already has a cache applied (" + model.options().cache()
                    + "); use one cache node per model");
        }
        return model.withCache(policy);
    }

    public static final class EasyCacheNode implements Node {
        private static final NodeSchema SCHEMA = cacheSchema("EasyCache", "Native EasyCache implementation.");

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs in, ExecutionContext context) {
            return NodeOutput.of(withCache(in, new EasyCache(in.getDouble("reuse_threshold"), in.getDouble("start_percent"),
                    in.getDouble("end_percent"))));
        }
    }

    public static final class LazyCacheNode implements Node {
        private static final NodeSchema SCHEMA = cacheSchema("LazyCache", "A homebrew version of EasyCache - even 'easier' "
                + "version of EasyCache to implement. Overall works worse than EasyCache, but better in some rare cases "
                + "AND universal compatibility with everything in ComfyUI.");

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeInputs in, ExecutionContext context) {
            return NodeOutput.of(withCache(in, new LazyCache(in.getDouble("reuse_threshold"), in.getDouble("start_percent"),
                    in.getDouble("end_percent"))));
        }
    }
}
