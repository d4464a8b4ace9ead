package org.jcomfy.nodes.loaders;

import java.io.IOException;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.files.FileStamp;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.DiffusionNet;
import org.jcomfy.nodes.types.TextEncoder;
import org.jcomfy.nodes.types.VideoVae;

/**
 * Loads model files once and shares them between prompts through the environment's
 * {@link org.jcomfy.nodes.api.SharedObjects} (evicted under its memory budget; a file larger
 * than the budget is refused there with a clear message). Each is held under the file's
 * {@link FileStamp}: a file changed on disk is loaded anew (see {@link ModelFile}).
 */
final class ModelLoaders {
    private ModelLoaders() {}

    static DiffusionModel diffusionModel(ExecutionContext ctx, String name, String weightDtype) throws IOException {
        ModelFile file = ModelFile.of(ctx, "diffusion_models", name);
        DiffusionNet net = ctx.shared().getOrLoad("diffusion_models/" + name + "|" + weightDtype, file.stamp(), file.stamp().size(),
                () -> WanAdapters.loadDiffusionNet(file, weightDtype, ctx.device()));
        return DiffusionModel.wan21(net);
    }

    static TextEncoder textEncoder(ExecutionContext ctx, String name) throws IOException {
        ModelFile file = ModelFile.of(ctx, "text_encoders", name);
        return ctx.shared().getOrLoad("text_encoders/" + name, file.stamp(), file.stamp().size(),
                () -> WanAdapters.loadTextEncoder(file, ctx.device()));
    }

    static VideoVae vae(ExecutionContext ctx, String name) throws IOException {
        ModelFile file = ModelFile.of(ctx, "vae", name);
        return ctx.shared().getOrLoad("vae/" + name, file.stamp(), file.stamp().size(), () -> WanAdapters.loadVae(file, ctx.device()));
    }

    /**
     * The loader nodes' fingerprint ({@code IS_CHANGED}): the file's stamp, so a changed file
     * re-runs the loader and everything after it instead of reusing cached outputs that hold
     * the old model. It is a string because the cache key is the fingerprint's JSON, and the
     * stamp's file key (a JDK-internal class) has none: a stamp object would fail to serialise,
     * which makes the key unique and the loader, with everything after it, never cached.
     */
    static String fingerprint(NodeEnvironment env, String folder, String name) throws IOException {
        return FileStamp.of(env.modelPath(folder, name)).toString();
    }
}
