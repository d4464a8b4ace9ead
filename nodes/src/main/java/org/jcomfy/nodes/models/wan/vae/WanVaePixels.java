package org.jcomfy.nodes.models.wan.vae;

import java.util.Arrays;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Conversions between ComfyUI's {@code IMAGE} (frames {@code [N, H, W, 3]}, values 0..1) and the
 * VAE's video ({@code [3, T, H, W]}, values -1..1), as ComfyUI's {@code sd.VAE} does them around
 * {@code encode} and {@code decode} (WAN-IN-COMFY.md §8).
 */
public final class WanVaePixels {
    private WanVaePixels() {}

    /**
     * VAEEncode's input side: H and W are centre-cropped down to multiples of 8
     * ({@code vae_encode_crop_pixels}: offset {@code (size mod 8) / 2}), values mapped by
     * {@code 2x - 1}, and the frames become the time axis: {@code [N, H, W, 3] → [3, N, H', W']}.
     */
    public static Tensor videoFromImages(Tensor images, Kernels k) {
        if (images.rank() != 4 || images.dim(3) != 3) {
            throw new IllegalArgumentException("expected IMAGE frames [N, H, W, 3], got " + Arrays.toString(images.shape()));
        }
        Tensor x = images;
        int f = WanVaeConfig.SPATIAL_FACTOR;
        for (int axis = 1; axis <= 2; axis++) {
            long size = x.dim(axis), kept = size / f * f;
            if (kept == 0) throw new IllegalArgumentException("images of " + Arrays.toString(images.shape()) + " are smaller than 8 pixels");
            if (kept != size) {
                long offset = (size % f) / 2;
                x = k.slice(x, axis, offset, offset + kept);
            }
        }
        Tensor video = k.permute(x, 3, 0, 1, 2);
        return k.add(k.scale(video, 2f), Tensor.of(new float[] {-1f}, 1));
    }

    /**
     * VAEDecode's output side: {@code clamp((x + 1) / 2, 0, 1)} and channels last:
     * {@code [3, T, H, W] → [T, H, W, 3]}.
     */
    public static Tensor imagesFromVideo(Tensor video, Kernels k) {
        if (video.rank() != 4 || video.dim(0) != 3) {
            throw new IllegalArgumentException("expected a video [3, T, H, W], got " + Arrays.toString(video.shape()));
        }
        float[] v = video.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(0f, Math.min(1f, (v[i] + 1f) / 2f));
        return k.permute(Tensor.of(v, video.shape()), 1, 2, 3, 0);
    }
}
