package org.jcomfy.nodes.models.wan.vae;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Hands out tensors of an open safetensors checkpoint, checking each one: present, of the
 * expected shape, and a floating dtype (f32, f16, bf16, f8 are all accepted; kernels widen them).
 * After the mapping, {@link #requireAllUsed()} refuses keys nobody asked for, so a checkpoint of
 * another architecture fails loudly instead of loading half its weights.
 */
final class CheckpointWeightSource implements WeightSource {
    private final SafeTensorsFile file;
    private final Set<String> used = new LinkedHashSet<>();

    CheckpointWeightSource(SafeTensorsFile file) {
        this.file = file;
    }

    @Override
    public Tensor tensor(String key, long... shape) {
        SafeTensorsFile.Entry entry = file.entry(key);
        if (entry == null) {
            throw new IllegalArgumentException(file.path() + ": missing tensor '" + key + "' (expected shape "
                    + Arrays.toString(shape) + "); is this a Wan2.1 VAE checkpoint?");
        }
        if (!Arrays.equals(entry.shape(), shape)) {
            throw new IllegalArgumentException(file.path() + ": tensor '" + key + "' has shape "
                    + Arrays.toString(entry.shape()) + " but the Wan2.1 VAE needs " + Arrays.toString(shape));
        }
        if (!entry.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(file.path() + ": tensor '" + key + "' has dtype " + entry.dtype()
                    + "; VAE weights must be floating point");
        }
        used.add(key);
        return file.tensor(key);
    }

    /** Fails, naming them, if the file holds tensors the mapping never asked for. */
    void requireAllUsed() {
        Set<String> unexpected = new TreeSet<>(file.names());
        unexpected.removeAll(used);
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException(file.path() + ": " + unexpected.size()
                    + " unexpected tensor(s) for a Wan2.1 VAE: " + String.join(", ", unexpected.stream().limit(10).toList())
                    + (unexpected.size() > 10 ? ", ..." : ""));
        }
    }
}
