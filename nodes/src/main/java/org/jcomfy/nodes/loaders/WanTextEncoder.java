package org.jcomfy.nodes.loaders;

import java.util.List;
import java.util.Map;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.lora.LoraPatch;
import org.jcomfy.nodes.models.wan.t5.UmT5TextEncoder;
import org.jcomfy.nodes.types.TextEncoder;

/**
 * Wan's UMT5 encoder as a CLIP value, each use guarded by its {@link ModelFile}; LoraLoader's
 * clip side makes copies with some tensors patched, the rest shared with the base encoder.
 */
final class WanTextEncoder implements TextEncoder {
    private final UmT5TextEncoder encoder;
    private final Kernels k;
    private final ModelFile file;
    private final List<AppliedLora> loras;

    WanTextEncoder(UmT5TextEncoder encoder, Kernels kernels, ModelFile file, List<AppliedLora> loras) {
        this.encoder = encoder;
        this.k = kernels;
        this.file = file;
        this.loras = List.copyOf(loras);
    }

    @Override
    public Tensor encode(String text) {
        return file.use(() -> encoder.encode(text));
    }

    /** The file's tensors by key, which no LoRA changes. */
    Map<String, Tensor> baseTensors() { return encoder.tensors(); }

    List<AppliedLora> loras() { return loras; }

    ModelFile file() { return file; }

    /** The encoder as loaded from its file with {@code stack} applied (float32 sums, rounded once to each tensor's dtype). */
    WanTextEncoder withLoras(List<AppliedLora> stack) {
        Map<String, Tensor> tensors = encoder.tensors();
        Map<String, Tensor> patched = LoraPatch.applyAll(tensors, AppliedLora.weighted(stack), key -> scaleOf(tensors, key), k);
        return new WanTextEncoder(encoder.withTensors(patched), k, file, stack);
    }

    /** The fp8 {@code scale_weight} beside a matrix (1 where there is none). */
    private static double scaleOf(Map<String, Tensor> tensors, String key) {
        if (!key.endsWith(".weight")) return 1;
        Tensor scale = tensors.get(key.substring(0, key.length() - ".weight".length()) + ".scale_weight");
        return scale == null ? 1 : scale.getFloat(0);
    }
}
