package org.jcomfy.nodes.models.wan.vae;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.ProgressListener;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.Decoder;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.Encoder;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.Layer;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.Resample;
import org.jcomfy.nodes.models.wan.vae.WanVaeWeights.ResidualBlock;

/**
 * The Wan2.1 video VAE (spec WAN-MODEL.md §3): 8× spatial and 4× causal temporal compression
 * between RGB video and 16-channel latents.
 *
 * <p><b>Latent space.</b> Like ComfyUI's {@code LATENT}, {@link #decode} takes and {@link #encode}
 * returns <i>raw</i> VAE-space latents: the encoder's {@code mu}, not normalised by the Wan latent
 * mean/std. The official {@code WanVAE} wrapper normalises inside encode/decode; ComfyUI does it
 * at the sampler boundary instead. {@link WanLatentScaling} converts between the two.
 *
 * <p><b>Chunking.</b> Both directions stream through time with a causal feature cache
 * ({@link FeatureCache}), as upstream does, so activation memory is bounded by one chunk at
 * full resolution, not by the video: decode runs one latent frame per chunk (latent frame 0 →
 * 1 video frame, every later one → 4), encode runs video frames in chunks of 1, 4, 4, …
 * Within a chunk the full-resolution layers work on at most 2 frames at a time, as ComfyUI's
 * current implementation does.
 *
 * <p>Video values are in [-1, 1] (decode output is not clamped; the caller clamps). Shapes
 * carry no batch: latent {@code [16, T, h, w]}, video {@code [3, 1+4(T-1), 8h, 8w]}.
 */
public final class WanVae implements AutoCloseable {
    private static final int TIME = 2;
    /** Frames per piece in the full-resolution layers (see {@link #upsampleAndHead}, {@link #encodeChunk}). */
    private static final int PIECE = 2;

    private final WanVaeWeights weights;
    private final WanVaeBlocks blocks;
    private final Kernels k;
    private final SafeTensorsFile ownedFile;

    public WanVae(WanVaeWeights weights, Kernels kernels) {
        this(weights, kernels, null);
    }

    private WanVae(WanVaeWeights weights, Kernels kernels, SafeTensorsFile ownedFile) {
        this.weights = weights;
        this.blocks = new WanVaeBlocks(kernels);
        this.k = kernels;
        this.ownedFile = ownedFile;
    }

    /** Maps a Wan2.1 VAE checkpoint (official or ComfyUI key names, any float dtype); {@link #close()} unmaps it. */
    public static WanVae load(Path checkpoint, Kernels kernels) {
        SafeTensorsFile file = SafeTensorsFile.open(checkpoint);
        try {
            return new WanVae(WanVaeWeights.load(file), kernels, file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public WanVaeConfig config() { return weights.config(); }

    public WanVaeWeights weights() { return weights; }

    public Kernels kernels() { return k; }

    @Override
    public void close() {
        if (ownedFile != null) ownedFile.close();
    }

    // ---- decode ----------------------------------------------------------------------

    /** Raw latent {@code [z, T, h, w]} → video {@code [3, 1+4(T-1), 8h, 8w]}, unclamped. */
    public Tensor decode(Tensor latent) {
        return decode(latent, ProgressListener.NONE, ActivationRecorder.NONE);
    }

    /** {@link #decode(Tensor)}, reporting each latent frame written to {@code progress}. */
    public Tensor decode(Tensor latent, ProgressListener progress) {
        return decode(latent, progress, ActivationRecorder.NONE);
    }

    /**
     * {@link #decode(Tensor, ProgressListener)}, also recording the golden-named intermediates
     * ({@code dec_conv2_out}, {@code dec_conv1_out}, {@code dec_middle_out},
     * {@code dec_upsamples<i>_<mode>_out}, {@code dec_head_out}) once per chunk: each value is the
     * chunk's slice {@code [1, C, t, H, W]}, and a name's chunks joined along dimension 2 give the
     * full-sequence tensor.
     */
    public Tensor decode(Tensor latent, ProgressListener progress, ActivationRecorder rec) {
        int z = config().zDim();
        if (latent.rank() != 4 || latent.dim(0) != z || latent.dim(1) < 1) {
            throw new IllegalArgumentException("Wan VAE decode expects a latent [" + z + ", T, h, w], got "
                    + Arrays.toString(latent.shape()));
        }
        long frames = latent.dim(1), h = latent.dim(2), w = latent.dim(3);
        Tensor z5 = latent.toF32().reshape(1, z, frames, h, w);
        FrameWriter video = new FrameWriter(Tensor.zeros(DType.F32, 3, WanVaeConfig.decodedFrames(frames),
                h * WanVaeConfig.SPATIAL_FACTOR, w * WanVaeConfig.SPATIAL_FACTOR));
        FeatureCache cache = new FeatureCache();
        for (long i = 0; i < frames; i++) {
            try (TensorScope scope = TensorScope.open()) {   // a chunk's temporaries go when it is written
                decodeChunk(sliceFrames(z5, i, i + 1), cache, rec, video);
                cache.keepThrough(scope);
            }
            progress.progress(i + 1, frames);
        }
        return video.finish();
    }

    /**
     * One latent frame through conv2 and the decoder (upstream {@code Decoder3d.forward}):
     * conv1 → middle (residual, attention, residual) → upsamples → head.
     */
    private void decodeChunk(Tensor z, FeatureCache cache, ActivationRecorder rec, FrameWriter video) {
        Decoder d = weights.decoder();
        Tensor x = blocks.pointwiseConv(z, weights.postQuantConv());
        rec.record("dec_conv2_out", x);
        x = blocks.causalConv(x, d.conv1(), cache);
        rec.record("dec_conv1_out", x);
        x = blocks.residualBlock(x, d.middle0(), cache);
        x = blocks.attentionBlock(x, d.attention());
        x = blocks.residualBlock(x, d.middle2(), cache);
        rec.record("dec_middle_out", x);
        upsampleAndHead(x, 0, cache, rec, video);
    }

    /**
     * Decoder layers {@code upsamples[from..]}, then the head (RMS, SiLU, conv). When a temporal
     * upsample leaves more than {@value #PIECE} frames, the rest runs on pieces of
     * {@value #PIECE} frames, as ComfyUI does, so the full-resolution layers hold 2 frames
     * instead of 4; the causal cache makes the result identical.
     */
    private void upsampleAndHead(Tensor x, int from, FeatureCache cache, ActivationRecorder rec, FrameWriter video) {
        Decoder d = weights.decoder();
        for (int i = from; i < d.upsamples().size(); i++) {
            Layer layer = d.upsamples().get(i);
            if (layer instanceof ResidualBlock r) {
                x = blocks.residualBlock(x, r, cache);
            } else if (layer instanceof Resample r) {
                x = blocks.upsample(x, r, cache);
                rec.record("dec_upsamples" + i + "_" + r.mode().upstreamName() + "_out", x);
                if (r.mode().temporal() && x.dim(TIME) > PIECE) {
                    for (long f = 0; f < x.dim(TIME); f += PIECE) {
                        upsampleAndHead(sliceFrames(x, f, f + PIECE), i + 1, cache, rec, video);
                    }
                    return;
                }
            }
        }
        x = k.silu(blocks.rmsNorm(x, d.headNorm()));
        x = blocks.causalConv(x, d.headConv(), cache);
        rec.record("dec_head_out", x);
        video.append(x);
    }

    // ---- encode ----------------------------------------------------------------------

    /**
     * Video {@code [3, T, H, W]} in [-1, 1] (H, W multiples of 8) → raw {@code mu}
     * {@code [z, 1+(T-1)/4, H/8, W/8]}. Trailing frames that do not fill a chunk of 4 are
     * ignored, as upstream and ComfyUI do.
     */
    public Tensor encode(Tensor video) {
        return encode(video, ProgressListener.NONE, ActivationRecorder.NONE);
    }

    /** {@link #encode(Tensor)}, reporting each latent frame produced to {@code progress}. */
    public Tensor encode(Tensor video, ProgressListener progress) {
        return encode(video, progress, ActivationRecorder.NONE);
    }

    /**
     * {@link #encode(Tensor, ProgressListener)}, also recording the golden-named intermediates
     * ({@code enc_conv1_out}, {@code enc_downsamples<i>_<mode>_out}, {@code enc_middle_out},
     * {@code enc_head_out}, {@code enc_conv1x1_out}) per chunk, as {@link #decode(Tensor, ProgressListener, ActivationRecorder)} does.
     */
    public Tensor encode(Tensor video, ProgressListener progress, ActivationRecorder rec) {
        int f = WanVaeConfig.SPATIAL_FACTOR;
        if (video.rank() != 4 || video.dim(0) != 3 || video.dim(1) < 1 || video.dim(2) % f != 0 || video.dim(3) % f != 0) {
            throw new IllegalArgumentException("Wan VAE encode expects a video [3, T, H, W] with H and W multiples of "
                    + f + ", got " + Arrays.toString(video.shape()));
        }
        long frames = video.dim(1), h = video.dim(2), w = video.dim(3);
        long latentFrames = WanVaeConfig.encodedFrames(frames);
        int z = config().zDim();
        Tensor v5 = video.toF32().reshape(1, 3, frames, h, w);
        FrameWriter mu = new FrameWriter(Tensor.zeros(DType.F32, z, latentFrames, h / f, w / f));
        FeatureCache cache = new FeatureCache();
        for (long i = 0; i < latentFrames; i++) {
            long start = i == 0 ? 0 : 1 + WanVaeConfig.TEMPORAL_FACTOR * (i - 1);
            long end = i == 0 ? 1 : start + WanVaeConfig.TEMPORAL_FACTOR;
            try (TensorScope scope = TensorScope.open()) {
                mu.append(encodeChunk(sliceFrames(v5, start, end), cache, rec));
                cache.keepThrough(scope);
            }
            progress.progress(i + 1, latentFrames);
        }
        return mu.finish();
    }

    /**
     * One chunk of frames through the encoder (upstream {@code Encoder3d.forward}) and the
     * top-level conv1, keeping the mu half: conv1 → downsamples → middle → head → conv1 (1×1×1).
     * The full-resolution part (conv1 up to the first downsample) runs on pieces of
     * {@value #PIECE} frames to halve its peak memory; the causal cache makes this exact.
     */
    private Tensor encodeChunk(Tensor frames, FeatureCache cache, ActivationRecorder rec) {
        Encoder e = weights.encoder();
        int fullResolutionEnd = firstResample(e.downsamples()) + 1;
        List<Tensor> pieces = new ArrayList<>();
        for (long f = 0; f < frames.dim(TIME); f += PIECE) {
            Tensor piece = blocks.causalConv(sliceFrames(frames, f, f + PIECE), e.conv1(), cache);
            rec.record("enc_conv1_out", piece);
            pieces.add(downsampleLayers(piece, 0, fullResolutionEnd, cache, rec));
        }
        Tensor x = pieces.size() == 1 ? pieces.get(0) : k.concat(pieces, TIME);
        x = downsampleLayers(x, fullResolutionEnd, e.downsamples().size(), cache, rec);
        x = blocks.residualBlock(x, e.middle0(), cache);
        x = blocks.attentionBlock(x, e.attention());
        x = blocks.residualBlock(x, e.middle2(), cache);
        rec.record("enc_middle_out", x);
        x = k.silu(blocks.rmsNorm(x, e.headNorm()));
        x = blocks.causalConv(x, e.headConv(), cache);
        rec.record("enc_head_out", x);
        x = blocks.pointwiseConv(x, weights.quantConv());
        rec.record("enc_conv1x1_out", x);
        return k.slice(x, 1, 0, config().zDim());                 // mu; log_var is unused
    }

    /** Encoder layers {@code downsamples[from, to)}. */
    private Tensor downsampleLayers(Tensor x, int from, int to, FeatureCache cache, ActivationRecorder rec) {
        List<Layer> layers = weights.encoder().downsamples();
        for (int i = from; i < to; i++) {
            if (layers.get(i) instanceof ResidualBlock r) {
                x = blocks.residualBlock(x, r, cache);
            } else if (layers.get(i) instanceof Resample r) {
                x = blocks.downsample(x, r, cache);
                rec.record("enc_downsamples" + i + "_" + r.mode().upstreamName() + "_out", x);
            }
        }
        return x;
    }

    private static int firstResample(List<Layer> layers) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Resample) return i;
        }
        return layers.size() - 1;
    }

    // ---- helpers ---------------------------------------------------------------------

    /** Frames {@code [from, min(to, T))} of {@code [1, C, T, H, W]} (the tensor itself when that is all of it). */
    private Tensor sliceFrames(Tensor x, long from, long to) {
        long t = x.dim(TIME);
        return from == 0 && to >= t ? x : k.slice(x, TIME, from, Math.min(to, t));
    }

    /**
     * Fills {@code out} {@code [C, T, H, W]} (float32) with chunks {@code [1, C, t, H, W]} in time
     * order. Plain memory moves: per channel a chunk's frames are one contiguous run in both.
     */
    private static final class FrameWriter {
        private final Tensor out;
        private long next;

        FrameWriter(Tensor out) { this.out = out; }

        void append(Tensor chunk) {
            long c = out.dim(0), total = out.dim(1), plane = out.dim(2) * out.dim(3);
            long t = chunk.dim(TIME);
            if (chunk.dim(1) != c || chunk.dim(3) * chunk.dim(4) != plane || next + t > total) {
                throw new IllegalStateException("chunk " + chunk + " does not fit frames " + next + ".. of " + out);
            }
            long bytes = t * plane * Float.BYTES;
            for (long ch = 0; ch < c; ch++) {
                MemorySegment.copy(chunk.data(), ch * bytes, out.data(), (ch * total + next) * plane * Float.BYTES, bytes);
            }
            next += t;
        }

        Tensor finish() {
            if (next != out.dim(1)) throw new IllegalStateException("wrote " + next + " of " + out.dim(1) + " frames");
            return out;
        }
    }
}
