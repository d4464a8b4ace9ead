package org.jcomfy.nodes.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.nodes.models.wan.t5.DemoTextEncoderWeights;
import org.jcomfy.nodes.models.wan.vae.DemoVaeWeights;

/**
 * The three small Wan2.1-format model files every fresh installation gets, so the demo workflow
 * ({@code workflows/text_to_video_demo.json}) runs with no download. Deterministic: the same
 * seeds give the same bytes on every machine. Random weights, so the video is noise-like.
 */
public final class DemoModels {
    private DemoModels() {}

    public static final String DIT = "jcomfy_demo_wan2.1_t2v.safetensors";
    public static final String TEXT_ENCODER = "jcomfy_demo_umt5.safetensors";
    public static final String VAE = "jcomfy_demo_wan2.1_vae.safetensors";
    /** Base width of the demo VAE (the real one has 96). */
    public static final int VAE_BASE_DIM = 16;
    private static final long SEED = 20261122L;

    /** Writes whichever demo files are missing under {@code modelsRoot}; existing files are left alone. */
    public static void ensure(Path modelsRoot, PrintStream log) throws IOException {
        Path dit = modelsRoot.resolve("diffusion_models").resolve(DIT);
        Path te = modelsRoot.resolve("text_encoders").resolve(TEXT_ENCODER);
        Path vae = modelsRoot.resolve("vae").resolve(VAE);
        if (Files.notExists(te)) {
            log.println("jcomfy: writing demo text encoder " + te);
            DemoTextEncoderWeights.write(te, SEED);
        }
        if (Files.notExists(dit)) {
            log.println("jcomfy: writing demo diffusion model " + dit);
            DemoDitWeights.write(dit, DemoDitWeights.Spec.demo(DemoTextEncoderWeights.CONFIG.dim()), SEED);
        }
        if (Files.notExists(vae)) {
            log.println("jcomfy: writing demo VAE " + vae);
            DemoVaeWeights.write(vae, VAE_BASE_DIM, SEED);
        }
    }
}
