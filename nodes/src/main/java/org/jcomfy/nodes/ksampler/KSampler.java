package org.jcomfy.nodes.ksampler;

import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.Samplers;
import org.jcomfy.nodes.sampling.Schedulers;

/** KSampler: denoises a latent with a model, positive and negative conditioning. */
public final class KSampler implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("KSampler")
            .displayName("KSampler")
            .category("sampling")
            .description("Uses the provided model, positive and negative conditioning to denoise the latent image.")
            .socketInput("model", "MODEL", "tooltip", "The model used for denoising the input latent.")
            .seedInput("seed", "tooltip", "The random seed used for creating the noise.")
            .intInput("steps", 20, 1, 10000, 1, "tooltip", "The number of steps used in the denoising process.")
            .roundedFloatInput("cfg", 8.0, 0.0, 100.0, 0.1, 0.01, "tooltip",
                    "The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.")
            .comboInput("sampler_name", Samplers.NAMES, "tooltip",
                    "The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.")
            .comboInput("scheduler", Schedulers.NAMES, "tooltip",
                    "The scheduler controls how noise is gradually removed to form the image.")
            .socketInput("positive", "CONDITIONING", "tooltip", "The conditioning describing the attributes you want to include in the image.")
            .socketInput("negative", "CONDITIONING", "tooltip", "The conditioning describing the attributes you want to exclude from the image.")
            .socketInput("latent_image", "LATENT", "tooltip", "The latent image to denoise.")
            .floatInput("denoise", 1.0, 0.0, 1.0, 0.01, "tooltip",
                    "The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.")
            .output(new OutputSpec("LATENT", "LATENT", false, "The denoised latent."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validateInputs(NodeInputs constants, NodeEnvironment environment) {
        return SamplingRun.checkImplemented(constants);
    }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        SamplingRun run = SamplingRun.fromInputs(in, KSamplerSettings.ksampler(in.getUnsignedLong("seed"), in.getInt("steps"),
                in.getDouble("cfg"), in.getString("sampler_name"), in.getString("scheduler"), in.getDouble("denoise")));
        return NodeOutput.of(run.sample(context));
    }
}
