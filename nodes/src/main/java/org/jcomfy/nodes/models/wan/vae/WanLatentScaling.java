package org.jcomfy.nodes.models.wan.vae;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The Wan2.1 latent normalisation (spec WAN-MODEL.md §3.1, WAN-IN-COMFY.md §5): per channel
 * {@code normalised = (raw - mean) / std}. The DiT works on normalised latents; ComfyUI's
 * {@code LATENT} and {@link WanVae} hold raw ones. The official {@code WanVAE.encode} returns
 * normalised {@code mu} and its {@code decode} de-normalises first, which is what the goldens record.
 *
 * <p>Upstream multiplies by the float32 reciprocal {@code 1/std} and divides by it on the way
 * back; multiplying by {@code std} instead differs by at most an ulp.
 */
public record WanLatentScaling(Tensor mean, Tensor std) {

    /** Wan2.1 latent channel means, channels 0..15. */
    public static final float[] WAN21_MEAN = {
        -0.7571f, -0.7089f, -0.9113f, 0.1075f, -0.1745f, 0.9653f, -0.1517f, 1.5508f,
        0.4134f, -0.0715f, 0.5517f, -0.3632f, -0.1922f, -0.9497f, 0.2503f, -0.2921f};

    /** Wan2.1 latent channel standard deviations, channels 0..15. */
    public static final float[] WAN21_STD = {
        2.8184f, 1.4541f, 2.3275f, 2.6558f, 1.2196f, 1.7708f, 2.6052f, 2.0743f,
        3.2687f, 2.1526f, 2.8652f, 1.5579f, 1.6382f, 1.1253f, 2.8251f, 1.9160f};

    /** {@code mean} and {@code std} as {@code [C]} tensors. */
    public WanLatentScaling {
        if (mean.rank() != 1 || std.rank() != 1 || mean.dim(0) != std.dim(0)) {
            throw new IllegalArgumentException("latent mean " + mean + " and std " + std + " must both be [C]");
        }
    }

    public static WanLatentScaling wan21() {
        return new WanLatentScaling(Tensor.of(WAN21_MEAN.clone(), 16), Tensor.of(WAN21_STD.clone(), 16));
    }

    /** Raw {@code [C, T, h, w]} → normalised: {@code (x - mean) · (1/std)}. */
    public Tensor normalise(Tensor raw, Kernels k) {
        return k.mul(k.sub(raw, perChannel(mean)), perChannel(reciprocal(std)));
    }

    /** Normalised {@code [C, T, h, w]} → raw: {@code x · std + mean}. */
    public Tensor denormalise(Tensor normalised, Kernels k) {
        return k.add(k.mul(normalised, perChannel(std)), perChannel(mean));
    }

    private static Tensor perChannel(Tensor v) {
        return v.toF32().reshape(v.dim(0), 1, 1, 1);
    }

    private static Tensor reciprocal(Tensor v) {
        float[] r = v.toFloatArray();
        for (int i = 0; i < r.length; i++) r[i] = 1f / r[i];
        return Tensor.of(r, r.length);
    }
}
