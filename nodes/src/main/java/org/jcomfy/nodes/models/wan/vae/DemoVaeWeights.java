package org.jcomfy.nodes.models.wan.vae;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Writes a Wan2.1-VAE-format safetensors file with seeded random weights, for the demo models
 * {@code ./jcomfy serve} creates when no real checkpoint is installed. The keys and shapes come
 * from {@link WanVaeWeights#map}, the same function that loads real checkpoints, so the file
 * loads through the ordinary path; only the base width differs (e.g. 16 instead of 96).
 *
 * <p>Values: convolution weights {@code N(0, 1/fan_in)}, biases {@code N(0, 0.02²)}, norm gains
 * {@code 1 + N(0, 0.1²)}. Each tensor draws from its own {@link Random} seeded by the file seed
 * and the key, so the bytes depend only on (seed, dim, dtype). Decoded videos are coloured noise.
 */
public final class DemoVaeWeights {
    private DemoVaeWeights() {}

    /** A float32 file with base width {@code baseDim} and 16 latent channels. */
    public static void write(Path file, int baseDim, long seed) throws IOException {
        write(file, baseDim, seed, DType.F32);
    }

    /** As {@link #write(Path, int, long)}, stored in {@code dtype} (F32, F16 or BF16). */
    public static void write(Path file, int baseDim, long seed, DType dtype) throws IOException {
        if (baseDim < 2 || baseDim % 2 != 0) throw new IllegalArgumentException("base dim must be even and ≥ 2, got " + baseDim);
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("demo VAE weights are F32, F16 or BF16, not " + dtype);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        WanVaeWeights.map(WanVaeConfig.wan21(baseDim, 16), (key, shape) -> {
            Tensor t = randomTensor(key, shape, seed);
            tensors.put(key, dtype == DType.F32 ? t : t.copyAs(dtype));
            return t;
        });
        SafeTensorsWriter.write(file, tensors, Map.of("jcomfy_demo", "Wan2.1 VAE, random weights, dim=" + baseDim + ", seed=" + seed));
    }

    private static Tensor randomTensor(String key, long[] shape, long seed) {
        Random r = new Random(seed * 1_000_003L + key.hashCode());
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        if (key.endsWith(".gamma")) {
            for (int i = 0; i < v.length; i++) v[i] = 1f + 0.1f * (float) r.nextGaussian();
        } else if (key.endsWith(".bias")) {
            for (int i = 0; i < v.length; i++) v[i] = 0.02f * (float) r.nextGaussian();
        } else {
            double std = 1.0 / Math.sqrt(Tensor.count(shape) / shape[0]);
            for (int i = 0; i < v.length; i++) v[i] = (float) (std * r.nextGaussian());
        }
        return Tensor.of(v, shape);
    }
}
