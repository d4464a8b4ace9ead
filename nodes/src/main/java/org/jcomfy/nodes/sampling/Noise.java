package org.jcomfy.nodes.sampling;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The initial noise of a KSampler, as ComfyUI's {@code comfy.sample.prepare_noise} draws it on the CPU:
 * {@code torch.manual_seed(seed)} then one {@code torch.randn(latent.shape)}; with a latent {@code batch_index}
 * one sample-sized draw per index 0..max(index), each batch entry taking the draw of its index.
 */
public final class Noise {
    private Noise() {}

    /** Noise for a latent of this shape (row-major float32), seed read as unsigned 64-bit. */
    public static float[] prepare(long seed, long... shape) {
        return new TorchGenerator(seed).randn(shape);
    }

    /** Noise for a latent whose batch entries carry {@code batch_index} values (shape[0] == indices.length). */
    public static float[] prepare(long seed, long[] shape, int[] batchIndex) {
        if (batchIndex == null) {
            return prepare(seed, shape);
        }
        if (shape[0] != batchIndex.length) {
            throw new IllegalArgumentException("batch_index has " + batchIndex.length + " entries for batch " + shape[0]);
        }
        long[] one = shape.clone();
        one[0] = 1;
        int perSample = Math.toIntExact(Arrays.stream(one).reduce(1, Math::multiplyExact));
        TreeSet<Integer> unique = new TreeSet<>();
        for (int i : batchIndex) {
            if (i < 0) {
                throw new IllegalArgumentException("negative batch_index " + i);
            }
            unique.add(i);
        }
        TorchGenerator generator = new TorchGenerator(seed);
        float[][] byIndex = new float[unique.last() + 1][];
        for (int i = 0; i <= unique.last(); i++) {
            float[] draw = generator.randn(perSample); // drawn for every index up to the largest, kept or not
            if (unique.contains(i)) {
                byIndex[i] = draw;
            }
        }
        float[] out = new float[perSample * batchIndex.length];
        for (int b = 0; b < batchIndex.length; b++) {
            System.arraycopy(byIndex[batchIndex[b]], 0, out, b * perSample, perSample);
        }
        return out;
    }
}
