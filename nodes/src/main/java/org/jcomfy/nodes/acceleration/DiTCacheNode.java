package org.jcomfy.nodes.acceleration;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.types.DiffusionModel;

/**
 * {@code DiTCache}: MindIE SD's DiT cache as a MODEL patch, with MindIE's knob names. The
 * defaults are MindIE's published ones for Wan2.1 1.3B at 50 steps (steps 20..47 every 2nd,
 * blocks 10..30). Block indices are 0-based and {@code block_end} is exclusive.
 */
public final class DiTCacheNode implements Node {
    public static final String DIT_BLOCK_CACHE = "dit_block_cache";
    public static final String ATTENTION_CACHE = "attention_cache";

    private static final NodeSchema SCHEMA = NodeSchema.builder("DiTCache")
            .category("jcomfy/acceleration")
            .description("Skips DiT work on some denoising steps by reusing what earlier steps computed "
                    + "(MindIE SD's DiTCache): a block range's residual, or each block's self-attention output.")
            .socketInput("model", "MODEL")
            .comboInputWithDefault("method", List.of(DIT_BLOCK_CACHE, ATTENTION_CACHE), DIT_BLOCK_CACHE,
                    "tooltip", "dit_block_cache: skip blocks [block_start, block_end) by adding their stored residual; "
                            + "attention_cache: reuse each block's self-attention output")
            .intInput("step_start", 20, 0, 10_000, 1, "tooltip", "first step that may reuse (earlier steps always compute)")
            .intInput("step_interval", 2, 1, 1_000, 1, "tooltip", "compute every n-th step from step_start; 1 disables the cache")
            .intInput("step_end", 47, 0, 10_000, 1, "tooltip", "last step that may reuse")
            .intInput("block_start", 10, 0, 1_000, 1, "tooltip", "first cached block (0-based)")
            .intInput("block_end", 30, 0, 1_000, 1, "tooltip", "end of the cached blocks (exclusive)")
            .output("MODEL")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validateInputs(NodeInputs in, NodeEnvironment environment) {
        if (in.has("step_start") && in.has("step_end") && in.getLong("step_start") > in.getLong("step_end")) {
            return "step_start (" + in.getLong("step_start") + ") must not be after step_end (" + in.getLong("step_end") + ")";
        }
        if (in.has("block_start") && in.has("block_end") && in.getLong("block_start") >= in.getLong("block_end")) {
            return "block_start (" + in.getLong("block_start") + ") must be below block_end (" + in.getLong("block_end") + ")";
        }
        return null;
    }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        DiffusionModel model = in.get("model", DiffusionModel.class);
        if (model.options().cache() != CachePolicy.NONE) {
            throw new IllegalArgumentException("this MODEL already has a DiT cache applied; use one cache node per model");
        }
        int blocks = model.net().blockCount();
        int blockStart = in.getInt("block_start"), blockEnd = in.getInt("block_end");
        if (blockEnd > blocks) {
            throw new IllegalArgumentException("block_end " + blockEnd + " is past the model's " + blocks + " blocks ("
                    + model.net().architecture() + ")");
        }
        int stepStart = in.getInt("step_start"), interval = in.getInt("step_interval");
        int stepEnd = in.getInt("step_end");
        CachePolicy policy = in.getString("method").equals(ATTENTION_CACHE)
                ? new AttentionCache(stepStart, interval, stepEnd, blockStart, blockEnd)
                : new DitBlockCache(stepStart, interval, stepEnd, blockStart, blockEnd);
        return NodeOutput.of(model.withCache(policy));
    }
}
