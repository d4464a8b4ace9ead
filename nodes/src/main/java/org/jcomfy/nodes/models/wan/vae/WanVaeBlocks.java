package org.jcomfy.nodes.models.wan.vae;

import java.util.List;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.AttentionBlock;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.Conv;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.ResampleMode;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.Resample;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.ResidualBlock;

/**
 * The building blocks of the Wan VAE (spec WAN-MODEL.md §3.2), each one method made of kernel
 * calls. Activations are float32 {@code [1, C, T, H, W]} (batch 1: upstream's {@code b}); per-frame
 * 2-D convolutions run as 3-D convolutions with a temporal kernel of 1, which needs no reshuffle.
 * Layers that look back in time keep the frames of the previous chunk in a {@link FeatureCache}.
 */
final class WanVaeBlocks {
    /** Epsilon of torch's F.normalize, used by the VAE's RMS_norm. */
    private static final float L2_EPS = 1e-12f;
    private static final int TIME = 2;

    private final Kernels k;

    WanVaeBlocks(Kernels kernels) {
        this.k = kernels;
    }

    Kernels kernels() { return k; }

    /**
     * CausalConv3d: spatial zero padding {@code (k-1)/2} on both sides, temporal padding only in
     * front, {@code kt-1} frames of history: the slot's remembered frames first, zeros for the
     * rest. Afterwards the cache remembers the last {@code kt-1} input frames. Kernel-1 convs
     * have no history (use {@link #pointwiseConv}).
     */
    Tensor causalConv(Tensor x, Conv conv, FeatureCache cache) {
        Tensor w = conv.weight();
        int front = Math.toIntExact(w.dim(2)) - 1;
        int padH = Math.toIntExact(w.dim(3) - 1) / 2;
        int padW = Math.toIntExact(w.dim(4) - 1) / 2;
        Tensor input = x;
        if (front > 0) {
            FeatureCache.Slot slot = cache.slot(conv);
            Tensor seen = slot.history == null ? x : k.concat(List.of(slot.history, x), TIME);
            long have = seen.dim(TIME) - x.dim(TIME);
            input = have == front ? seen : k.pad(seen, new long[] {0, 0, front - have, 0, 0}, new long[5], 0f);
            slot.history = lastFrames(seen, front);
        }
        return k.conv3d(input, w, conv.bias(), new int[] {1, 1, 1}, new int[] {0, padH, padW});
    }

    /** A 1×1×1 convolution (shortcuts, the top-level conv1/conv2): no padding, no history. */
    Tensor pointwiseConv(Tensor x, Conv conv) {
        return k.conv3d(x, conv.weight(), conv.bias(), new int[] {1, 1, 1}, new int[] {0, 0, 0});
    }

    /**
     * A 2-D convolution applied to every frame: weight {@code [O, C, kh, kw]} viewed as
     * {@code [O, C, 1, kh, kw]}.
     */
    Tensor frameConv(Tensor x, Conv conv, int stride, int padding) {
        Tensor w = conv.weight();
        Tensor w3 = w.reshape(w.dim(0), w.dim(1), 1, w.dim(2), w.dim(3));
        return k.conv3d(x, w3, conv.bias(), new int[] {1, stride, stride}, new int[] {0, padding, padding});
    }

    /** RMS_norm: {@code x / max(‖x‖₂ over channels, 1e-12) · √C · gamma} (no bias in the VAE). */
    Tensor rmsNorm(Tensor x, Tensor gamma) {
        float sqrtC = (float) Math.sqrt(x.dim(1));
        return k.mul(k.scale(k.l2Normalize(x, 1, L2_EPS), sqrtC), gamma);
    }

    /**
     * ResidualBlock: {@code RMS → SiLU → CausalConv3d → RMS → SiLU → (Dropout) → CausalConv3d},
     * plus the input (through a 1×1×1 conv when the width changes).
     */
    Tensor residualBlock(Tensor x, ResidualBlock w, FeatureCache cache) {
        Tensor shortcut = w.shortcut() == null ? x : pointwiseConv(x, w.shortcut());
        Tensor h = k.silu(rmsNorm(x, w.norm1()));
        h = causalConv(h, w.conv1(), cache);
        h = k.silu(rmsNorm(h, w.norm2()));
        h = causalConv(h, w.conv2(), cache);
        return k.add(h, shortcut);
    }

    /**
     * AttentionBlock, per frame: RMS → 1×1 {@code to_qkv} → single-head softmax(q kᵀ/√C) v over
     * the H·W pixels (row-major tokens) → 1×1 {@code proj} → + input.
     */
    Tensor attentionBlock(Tensor x, AttentionBlock w) {
        long c = x.dim(1), t = x.dim(2), h = x.dim(3), wd = x.dim(4);
        Tensor qkv = frameConv(rmsNorm(x, w.norm()), w.toQkv(), 1, 0);            // [1, 3C, T, H, W]
        Tensor tokens = k.permute(qkv.reshape(3 * c, t, h * wd), 1, 2, 0);       // [T, HW, 3C]
        Tensor q = k.slice(tokens, 2, 0, c).reshape(t, h * wd, 1, c);            // frames are the batch
        Tensor key = k.slice(tokens, 2, c, 2 * c).reshape(t, h * wd, 1, c);
        Tensor v = k.slice(tokens, 2, 2 * c, 3 * c).reshape(t, h * wd, 1, c);
        Tensor attended = k.attention(q, key, v, null, (float) (1.0 / Math.sqrt(c))); // [T, HW, 1, C]
        Tensor back = k.permute(attended.reshape(t, h * wd, c), 2, 0, 1).reshape(1, c, t, h, wd);
        return k.add(frameConv(back, w.proj(), 1, 0), x);
    }

    /**
     * Decoder Resample. upsample3d first doubles time with {@code time_conv} (C → 2C, kernel
     * (3,1,1), causal): channels {@code [0,C)} become the earlier frame, {@code [C,2C)} the later.
     * On the very first chunk (latent frame 0) the time step is skipped, so frame 0 stays one
     * frame; from the second chunk on the time_conv sees zero history, never frame 0. Then every
     * frame is upsampled ×2 (nearest) and convolved 3×3 (C → C/2).
     */
    Tensor upsample(Tensor x, Resample w, FeatureCache cache) {
        if (w.mode() == ResampleMode.UPSAMPLE_3D) {
            FeatureCache.Slot slot = cache.slot(w);
            if (!slot.started) {
                slot.started = true;
            } else {
                x = interleaveTimeHalves(causalConv(x, w.timeConv(), cache));
            }
        }
        return frameConv(k.upsampleNearest2d(x, 2), w.spatialConv(), 1, 1);
    }

    /**
     * Encoder Resample. Every frame is zero-padded by one column right and one row below and
     * convolved 3×3 with stride 2. downsample3d then halves time with {@code time_conv}
     * (kernel (3,1,1), stride 2, unpadded) over the last frame of the previous chunk followed by
     * this chunk; on the first chunk the frame passes through unchanged (and is remembered).
     */
    Tensor downsample(Tensor x, Resample w, FeatureCache cache) {
        Tensor padded = k.pad(x, new long[5], new long[] {0, 0, 0, 1, 1}, 0f);
        Tensor y = frameConv(padded, w.spatialConv(), 2, 0);
        if (w.mode() != ResampleMode.DOWNSAMPLE_3D) return y;
        FeatureCache.Slot slot = cache.slot(w);
        Tensor previous = slot.history;
        slot.history = lastFrames(y, 1);
        if (!slot.started) {
            slot.started = true;
            return y;
        }
        Tensor windowed = k.concat(List.of(previous, y), TIME);
        return k.conv3d(windowed, w.timeConv().weight(), w.timeConv().bias(), new int[] {2, 1, 1}, new int[] {0, 0, 0});
    }

    /** {@code [1, 2C, T, H, W] → [1, C, 2T, H, W]}: output frame {@code 2τ+j} is channel half j of frame τ. */
    private Tensor interleaveTimeHalves(Tensor x) {
        long c2 = x.dim(1), t = x.dim(2), h = x.dim(3), w = x.dim(4);
        long c = c2 / 2;
        Tensor halves = x.reshape(2, c, t, h * w);                 // [half, C, T, HW]
        return k.permute(halves, 1, 2, 0, 3).reshape(1, c, 2 * t, h, w); // [C, T, half, HW]
    }

    /** The last {@code n} frames (fewer if there are fewer). */
    private Tensor lastFrames(Tensor x, int n) {
        long t = x.dim(TIME);
        return t <= n ? x : k.slice(x, TIME, t - n, t);
    }
}
