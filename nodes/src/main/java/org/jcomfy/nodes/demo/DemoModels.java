package org.jcomfy.nodes.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.nodes.models.wan.t5.DemoTextEncoderWeights;

/**
 * The three small Wan2.1-format model files every fresh installation gets, so the demo workflow
 * ({@code workflows/text_to_video_demo.json}) runs with no download and makes a real video.
 *
 * <p>The DiT and the VAE were trained by {@code tools/train_demo.py} on a synthetic world of
 * coloured shapes moving on a black background (see {@code tools/DEMO-MODEL.md}) and ship inside
 * this jar. The text encoder is not trained: it is the seeded random UMT5 written here, and the DiT
 * learned the embeddings that exact encoder gives its captions, so it must be byte-identical on
 * every machine (it is: the generator is seeded and platform-independent).
 */
public final class DemoModels {
    private DemoModels() {}

    public static final String DIT = "jcomfy_demo_wan2.1_t2v.safetensors";
    public static final String TEXT_ENCODER = "jcomfy_demo_umt5.safetensors";
    public static final String VAE = "jcomfy_demo_wan2.1_vae.safetensors";
    private static final long SEED = 20261122L;

    /**
     * Writes whichever demo files are missing under {@code modelsRoot}. A demo DiT or VAE with random
     * weights, as jcomfy wrote them before the trained models existed, is replaced by the trained
     * one; any other existing file (a user's own under the same name, say) is left alone.
     */
    public static void ensure(Path modelsRoot, PrintStream log) throws IOException {
        Path te = modelsRoot.resolve("text_encoders").resolve(TEXT_ENCODER);
        if (Files.notExists(te)) {
            log.println("jcomfy: writing demo text encoder " + te);
            DemoTextEncoderWeights.write(te, SEED);
        }
        install(modelsRoot.resolve("diffusion_models").resolve(DIT), log);
        install(modelsRoot.resolve("vae").resolve(VAE), log);
    }

    /** Copies the trained file of this name out of the jar, unless a non-random file is already there. */
    private static void install(Path target, PrintStream log) throws IOException {
        boolean stale = Files.exists(target) && hasRandomWeights(target);
        if (Files.exists(target) && !stale) return;
        log.println("jcomfy: " + (stale ? "replacing the random-weight demo model " : "writing demo model ") + target);
        String name = target.getFileName().toString();
        try (InputStream in = DemoModels.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the jar lacks the trained demo model " + name);
            Files.createDirectories(target.getParent());
            // Copy then rename, so a crash mid-copy never leaves a truncated model under the real name.
            Path part = target.resolveSibling(name + ".part");
            try {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part); // gone after the move; left only by a failed copy
            }
        }
    }

    /** Older jcomfy wrote its demo DiT and VAE with seeded random weights and said so in the metadata. */
    private static boolean hasRandomWeights(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return f.metadata().getOrDefault("jcomfy_demo", "").contains("random weights");
        } catch (RuntimeException e) {
            return false; // not a safetensors file we can read: not ours to replace
        }
    }
}
