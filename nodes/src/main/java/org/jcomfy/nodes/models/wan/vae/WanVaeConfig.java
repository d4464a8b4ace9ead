package org.jcomfy.nodes.models.wan.vae;

import java.util.List;
import org.jcomfy.nodes.models.wan.weights.WeightSource;

/**
 * The shape of a Wan2.1 VAE ({@code _video_vae} in {@code wan/modules/vae.py}, spec WAN-MODEL.md §3.1).
 * The real model is {@code dim=96, zDim=16}; the goldens use {@code dim=8}. Everything else
 * (channel multipliers, two residual blocks per level, temporal downsampling on the two deeper
 * levels) is fixed by the architecture, so only {@code dim} and {@code zDim} vary.
 *
 * @param dim                 base channel width (96 real)
 * @param zDim                latent channels (16)
 * @param dimMult             width multipliers per level ({@code [1, 2, 4, 4]})
 * @param numResBlocks        residual blocks per encoder level (the decoder has one more)
 * @param temporalDownsample  which encoder levels halve time ({@code [false, true, true]});
 *                            the decoder upsamples time on the reversed list
 */
public record WanVaeConfig(int dim, int zDim, List<Integer> dimMult, int numResBlocks,
                           List<Boolean> temporalDownsample) {

    /** Spatial compression: pixels per latent cell along H and W. */
    public static final int SPATIAL_FACTOR = 8;
    /** Temporal compression: video frames per latent frame, after the first. */
    public static final int TEMPORAL_FACTOR = 4;

    public WanVaeConfig {
        dimMult = List.copyOf(dimMult);
        temporalDownsample = List.copyOf(temporalDownsample);
        if (temporalDownsample.size() != dimMult.size() - 1) {
            throw new IllegalArgumentException("temporalDownsample needs one flag per level transition");
        }
    }

    /** The Wan2.1 architecture with a given base width and latent size. */
    public static WanVaeConfig wan21(int dim, int zDim) {
        return new WanVaeConfig(dim, zDim, List.of(1, 2, 4, 4), 2, List.of(false, true, true));
    }

    /** The released Wan2.1 VAE ({@code Wan2.1_VAE.pth} / {@code wan_2.1_vae.safetensors}). */
    public static WanVaeConfig wan21() {
        return wan21(96, 16);
    }

    /**
     * Reads the base width and latent size from the tensor shapes, as ComfyUI does
     * ({@code decoder.head.0.gamma} is {@code [dim, 1, 1, 1]}, {@code conv2.weight} is
     * {@code [zDim, zDim, 1, 1, 1]}). The full key/shape check happens when the weights load.
     */
    public static WanVaeConfig detect(WeightSource source) {
        String where = source.origin();
        if (!source.contains("decoder.middle.0.residual.0.gamma")) {
            throw new IllegalArgumentException(where + ": not a Wan VAE checkpoint (no tensor "
                    + "'decoder.middle.0.residual.0.gamma')");
        }
        if (source.contains("decoder.upsamples.0.upsamples.0.residual.2.weight")) {
            throw new IllegalArgumentException(where + ": this is a Wan2.2 VAE (48 latent channels, "
                    + "patchified); only the Wan2.1 VAE is supported");
        }
        int dim = Math.toIntExact(source.shape("decoder.head.0.gamma")[0]);
        int zDim = Math.toIntExact(source.shape("conv2.weight")[0]);
        return wan21(dim, zDim);
    }

    /** Encoder widths from input to bottleneck: {@code dim · [1] ++ dimMult} ({@code [96,96,192,384,384]}). */
    public int[] encoderDims() {
        int[] dims = new int[dimMult.size() + 1];
        dims[0] = dim;
        for (int i = 0; i < dimMult.size(); i++) dims[i + 1] = dim * dimMult.get(i);
        return dims;
    }

    /** Decoder widths from bottleneck to output: {@code dim · [last] ++ reversed(dimMult)} ({@code [384,384,384,192,96]}). */
    public int[] decoderDims() {
        int levels = dimMult.size();
        int[] dims = new int[levels + 1];
        dims[0] = dim * dimMult.get(levels - 1);
        for (int i = 0; i < levels; i++) dims[i + 1] = dim * dimMult.get(levels - 1 - i);
        return dims;
    }

    /** Width at the bottleneck (middle blocks of encoder and decoder). */
    public int bottleneckDim() {
        return dim * dimMult.get(dimMult.size() - 1);
    }

    /** Video frames produced by decoding {@code latentFrames}: {@code 1 + 4(T-1)}. */
    public static long decodedFrames(long latentFrames) {
        return 1 + TEMPORAL_FACTOR * (latentFrames - 1);
    }

    /** Latent frames produced by encoding {@code videoFrames} (trailing frames that do not fill a chunk of 4 are dropped). */
    public static long encodedFrames(long videoFrames) {
        return 1 + (videoFrames - 1) / TEMPORAL_FACTOR;
    }
}
