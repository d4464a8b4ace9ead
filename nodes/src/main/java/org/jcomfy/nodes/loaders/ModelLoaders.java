package org.jcomfy.nodes.loaders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.DiffusionNet;
import org.jcomfy.nodes.types.TextEncoder;
import org.jcomfy.nodes.types.VideoVae;

/**
 * Loads model files once and shares them between prompts through the environment's
 * {@link org.jcomfy.nodes.api.SharedObjects} (evicted under its memory budget; a file larger
 * than the budget is refused there with a clear message).
 */
final class ModelLoaders {
    private ModelLoaders() {}

    static DiffusionModel diffusionModel(ExecutionContext ctx, String name, String weightDtype) throws IOException {
        Path file = ctx.modelPath("diffusion_models", name);
        DiffusionNet net = ctx.shared().getOrLoad("diffusion_models/" + name + "|" + weightDtype, Files.size(file),
                () -> WanAdapters.loadDiffusionNet(file, weightDtype, ctx.device()));
        return DiffusionModel.wan21(net);
    }

    static TextEncoder textEncoder(ExecutionContext ctx, String name) throws IOException {
        Path file = ctx.modelPath("text_encoders", name);
        return ctx.shared().getOrLoad("text_encoders/" + name, Files.size(file),
                () -> WanAdapters.loadTextEncoder(file, ctx.device()));
    }

    static VideoVae vae(ExecutionContext ctx, String name) throws IOException {
        Path file = ctx.modelPath("vae", name);
        return ctx.shared().getOrLoad("vae/" + name, Files.size(file), () -> WanAdapters.loadVae(file, ctx.device()));
    }
}
