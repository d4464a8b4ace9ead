package org.jcomfy.nodes.ksampler;

import java.util.List;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.Samplers;
import org.jcomfy.nodes.sampling.Schedulers;

/** KSamplerAdvanced: KSampler with add_noise, a step window and leftover noise (two-stage Wan 2.2). */
public final class KSamplerAdvanced implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("KSamplerAdvanced")
            .displayName("KSampler (Advanced)")
            .category("sampling")
            .socketInput("model", "MODEL")
            .comboInput("add_noise", List.of("enable", "disable"))
            .seedInput("noise_seed")
            .intInput("steps", 20, 1, 10000, 1)
            .roundedFloatInput("cfg", 8.0, 0.0, 100.0, 0.1, 0.01)
            .comboInput("sampler_name", Samplers.NAMES)
            .comboInput("scheduler", Schedulers.NAMES)
            .socketInput("positive", "CONDITIONING")
            .socketInput("negative", "CONDITIONING")
            .socketInput("latent_image", "LATENT")
            .intInput("start_at_step", 0, 0, 10000, 1)
            .intInput("end_at_step", 10000, 0, 10000, 1)
            .comboInput("return_with_leftover_noise", List.of("disable", "enable"))
            .output("LATENT")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validateInputs(NodeInputs constants, NodeEnvironment environment) {
        return SamplingRun.checkImplemented(constants);
    }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        SamplingRun run = SamplingRun.fromInputs(in, KSamplerSettings.advanced("enable".equals(in.getString("add_noise")),
                in.getUnsignedLong("noise_seed"), in.getInt("steps"), in.getDouble("cfg"), in.getString("sampler_name"),
                in.getString("scheduler"), in.getInt("start_at_step"), in.getInt("end_at_step"),
                "enable".equals(in.getString("return_with_leftover_noise"))));
        return NodeOutput.of(run.sample(context));
    }
}
