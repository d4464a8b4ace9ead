package org.jcomfy.server.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jcomfy.nodes.files.SafePaths;

/**
 * The model folder registry (ComfyUI's {@code folder_paths}): each folder name has a list of
 * root directories and a set of allowed extensions. Listings are recursive, follow symlinks,
 * skip {@code .git}, match extensions case-insensitively and are merged over all roots, sorted
 * and de-duplicated; names are relative to their root with the OS separator, exactly the combo
 * values model loaders offer. The legacy names {@code unet} and {@code clip} are aliases of
 * {@code diffusion_models} and {@code text_encoders} for lookups and additions only.
 */
public final class ModelFolders {

    /** ComfyUI's default model extensions. */
    public static final Set<String> MODEL_EXTENSIONS =
            Set.of(".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft");

    private static final Map<String, String> LEGACY_ALIASES = Map.of("unet", "diffusion_models", "clip", "text_encoders");

    /** How a folder filters its files. */
    public enum Filter { MODEL_EXTENSIONS, YAML, ANY, NO_EXTENSION, FOLDERS_ONLY }

    /** One folder: its roots (first is the default save location) and its filter. */
    public record Folder(String name, List<Path> roots, Filter filter) {
        public boolean accepts(String fileName) {
            String lower = fileName.toLowerCase(Locale.ROOT);
            int dot = lower.lastIndexOf('.');
            String ext = dot < 0 ? "" : lower.substring(dot);
            return switch (filter) {
                case MODEL_EXTENSIONS -> MODEL_EXTENSIONS.contains(ext);
                case YAML -> ext.equals(".yaml");
                case ANY -> true;
                case NO_EXTENSION -> dot < 0;
                case FOLDERS_ONLY -> false;
            };
        }
    }

    private final Map<String, Folder> folders = new LinkedHashMap<>();

    private ModelFolders() {}

    /** The default registry rooted at {@code <base>/models}, plus the model-save roots under {@code output}. */
    public static ModelFolders defaults(Path base, Path outputDirectory) {
        ModelFolders m = new ModelFolders();
        Path models = base.resolve("models");
        m.define("checkpoints", Filter.MODEL_EXTENSIONS, models.resolve("checkpoints"));
        m.define("configs", Filter.YAML, models.resolve("configs"));
        m.define("loras", Filter.MODEL_EXTENSIONS, models.resolve("loras"));
        m.define("vae", Filter.MODEL_EXTENSIONS, models.resolve("vae"));
        m.define("text_encoders", Filter.MODEL_EXTENSIONS, models.resolve("text_encoders"), models.resolve("clip"));
        m.define("diffusion_models", Filter.MODEL_EXTENSIONS, models.resolve("unet"), models.resolve("diffusion_models"));
        m.define("clip_vision", Filter.MODEL_EXTENSIONS, models.resolve("clip_vision"));
        m.define("style_models", Filter.MODEL_EXTENSIONS, models.resolve("style_models"));
        m.define("embeddings", Filter.MODEL_EXTENSIONS, models.resolve("embeddings"));
        m.define("diffusers", Filter.FOLDERS_ONLY, models.resolve("diffusers"));
        m.define("vae_approx", Filter.MODEL_EXTENSIONS, models.resolve("vae_approx"));
        m.define("controlnet", Filter.MODEL_EXTENSIONS, models.resolve("controlnet"), models.resolve("t2i_adapter"));
        m.define("gligen", Filter.MODEL_EXTENSIONS, models.resolve("gligen"));
        m.define("upscale_models", Filter.MODEL_EXTENSIONS, models.resolve("upscale_models"));
        m.define("latent_upscale_models", Filter.MODEL_EXTENSIONS, models.resolve("latent_upscale_models"));
        m.define("custom_nodes", Filter.ANY, base.resolve("custom_nodes"));
        m.define("hypernetworks", Filter.MODEL_EXTENSIONS, models.resolve("hypernetworks"));
        m.define("photomaker", Filter.MODEL_EXTENSIONS, models.resolve("photomaker"));
        m.define("classifiers", Filter.NO_EXTENSION, models.resolve("classifiers"));
        for (String same : List.of("model_patches", "audio_encoders", "background_removal", "frame_interpolation",
                "geometry_estimation", "optical_flow", "detection")) {
            m.define(same, Filter.MODEL_EXTENSIONS, models.resolve(same));
        }
        // Where the model-save nodes write: ComfyUI lists these too.
        m.addRoot("checkpoints", outputDirectory.resolve("checkpoints"), false);
        m.addRoot("clip", outputDirectory.resolve("clip"), false);
        m.addRoot("vae", outputDirectory.resolve("vae"), false);
        m.addRoot("diffusion_models", outputDirectory.resolve("diffusion_models"), false);
        m.addRoot("loras", outputDirectory.resolve("loras"), false);
        return m;
    }

    private void define(String name, Filter filter, Path... roots) {
        folders.put(name, new Folder(name, new CopyOnWriteArrayList<>(List.of(roots)), filter));
    }

    /** The canonical name of {@code name} ({@code unet} → {@code diffusion_models}). */
    public static String canonical(String name) {
        return LEGACY_ALIASES.getOrDefault(name, name);
    }

    /**
     * Adds a root to a folder (aliases accepted). An unknown name creates a new folder that
     * accepts any file, as ComfyUI does for custom keys in extra_model_paths.yaml.
     */
    public synchronized void addRoot(String name, Path root, boolean first) {
        String key = canonical(name);
        Folder f = folders.get(key);
        if (f == null) {
            define(key, Filter.ANY);
            f = folders.get(key);
        }
        Path normal = root.toAbsolutePath().normalize();
        if (f.roots().contains(normal)) return;
        if (first) f.roots().addFirst(normal); else f.roots().add(normal);
    }

    /** Folder names in registration order (what {@code /models} lists). */
    public synchronized List<String> names() {
        return List.copyOf(folders.keySet());
    }

    /** The folder with this exact canonical name, or null (aliases are not accepted here). */
    public synchronized Folder exact(String name) {
        return folders.get(name);
    }

    /** The folder for a name or legacy alias; throws with the known names when there is none. */
    public synchronized Folder folder(String nameOrAlias) {
        Folder f = folders.get(canonical(nameOrAlias));
        if (f == null) throw new IllegalArgumentException("unknown model folder '" + nameOrAlias + "'; known: " + folders.keySet());
        return f;
    }

    /** Sorted, de-duplicated relative names of every accepted file under every root of the folder. */
    public List<String> files(String nameOrAlias) {
        Folder f = folder(nameOrAlias);
        TreeSet<String> names = new TreeSet<>();
        for (Path root : f.roots()) {
            for (Path file : walk(root)) {
                if (f.accepts(file.getFileName().toString())) names.add(root.relativize(file).toString());
            }
        }
        return List.copyOf(names);
    }

    /** Every regular file under {@code root}, sorted, following symlinks and skipping {@code .git}; none if it is missing. */
    public static List<Path> walk(Path root) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) out.add(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable entries and symlink loops are skipped, as in os.walk
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /**
     * The full path of a listed file: the first root that holds it. The name must stay inside
     * its root (no {@code ..}, not absolute); symlinks under a root are followed, as the listing
     * follows them (see {@link SafePaths}: model folders are confined lexically).
     */
    public Path path(String nameOrAlias, String name) {
        Folder f = folder(nameOrAlias);
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("no file name given for model folder '" + f.name() + "'");
        for (Path root : f.roots()) {
            Path candidate = SafePaths.resolveLexically(root, name);
            if (candidate == null) {
                throw new IllegalArgumentException("model file name '" + name + "' leaves the folder '" + f.name() + "'");
            }
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalArgumentException("model file '" + name + "' is not in folder '" + f.name() + "' (looked in "
                + f.roots() + "). Put it there or add a root with --extra-model-paths-config.");
    }
}
