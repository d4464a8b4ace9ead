package org.jcomfy.nodes.models.wan.dit;

import java.nio.file.Path;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.nodes.models.wan.weights.WeightSource;

/**
 * Opens a Wan DiT checkpoint: detects the config from the header (plus the official
 * {@code config} metadata entry when the file carries one), maps the keys and builds the
 * model. The returned model views the memory-mapped file, so keep the {@link Loaded} open
 * while using it.
 */
public final class WanDit {
    private WanDit() {}

    /** A model together with the file it maps; closing unmaps the weights. */
    public record Loaded(WanModel model, WeightSource source) implements AutoCloseable {
        @Override
        public void close() {
            source.close();
        }
    }

    public static Loaded load(Path file, Kernels kernels) {
        return load(file, kernels, null);
    }

    /** As {@link #load(Path, Kernels)}, with the linear layers' matrices converted to {@code matrixDtype} (null: as stored). */
    public static Loaded load(Path file, Kernels kernels, DType matrixDtype) {
        WeightSource opened = WeightSource.open(file).withPrefixRemoved(WanWeights.COMFY_PREFIXES);
        WeightSource source = matrixDtype == null ? opened : opened.withMatricesAs(matrixDtype);
        try {
            WanConfig config = detect(source);
            return new Loaded(new WanModel(config, WanWeights.load(source, config), kernels), source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Detection from shapes, refined by a {@code config} JSON in the file's metadata if present. */
    public static WanConfig detect(WeightSource source) {
        String json = source.metadata().get("config");
        try {
            return json == null ? WanConfig.detect(source.shapes()) : WanConfig.detect(source.shapes(), json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source.origin() + ": " + e.getMessage(), e);
        }
    }
}
