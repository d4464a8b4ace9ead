package org.jcomfy.nodes.models.wan.vae;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
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
 *
 * <p>Video values are in [-1, 1] (decode output is not clamped; the caller clamps). Shapes
 * carry no batch: latent {@code [16, T, h, w]}, video {@code [3, 1+4(T-1), 8h, 8w]}.
 */
public final class WanVae implements AutoCloseable {
    private static final int TIME = 2;

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
        return decode(latent, WanVaeTrace.NONE);
    }

    /** {@link #decode(Tensor)}, reporting intermediates to {@code trace}. */
    public Tensor decode(Tensor latent, WanVaeTrace trace) {
        int z = config().zDim();
        if (latent.rank() != 4 || latent.dim(0) != z || latent.dim(1) < 1) {
            throw new IllegalArgumentException("Wan VAE decode expects a latent [" + z + ", T, h, w], got "
                    + Arrays.toString(latent.shape()));
        }
        long frames = latent.dim(1), h = latent.dim(2), w = latent.dim(3);
        Tensor z5 = latent.toF32().reshape(1, z, frames, h, w);
        Tensor video = Tensor.zeros(DType.F32, 3, WanVaeConfig.decodedFrames(frames),
                h * WanVaeConfig.SPATIAL_FACTOR, w * WanVaeConfig.SPATIAL_FACTOR);
        FeatureCache cache = new FeatureCache();
        long written = 0;
        for (long i = 0; i < frames; i++) {
            cache.startChunk();
            Tensor chunk = decodeChunk(k.slice(z5, TIME, i, i + 1), cache, trace);
            copyFrames(chunk, video, written);
            written += chunk.dim(TIME);
            trace.chunkDone(i + 1, frames);
        }
        return video;
    }

    /**
     * One latent frame through conv2 and the decoder (upstream {@code Decoder3d.forward}):
     * conv1 → middle (residual, attention, residual) → upsamples → head (RMS, SiLU, conv).
     */
    private Tensor decodeChunk(Tensor z, FeatureCache cache, WanVaeTrace trace) {
        Decoder d = weights.decoder();
        Tensor x = blocks.pointwiseConv(z, weights.postQuantConv());
        trace.record("dec_conv2_out", x);
        x = blocks.causalConv(x, d.conv1(), cache.next());
        trace.record("dec_conv1_out", x);
        x = blocks.residualBlock(x, d.middle0(), cache);
        x = blocks.attentionBlock(x, d.attention());
        x = blocks.residualBlock(x, d.middle2(), cache);
        trace.record("dec_middle_out", x);
        for (int i = 0; i < d.upsamples().size(); i++) {
            Layer layer = d.upsamples().get(i);
            if (layer instanceof ResidualBlock r) {
                x = blocks.residualBlock(x, r, cache);
            } else if (layer instanceof Resample r) {
                x = blocks.upsample(x, r, cache);
                trace.record("dec_upsamples" + i + "_" + r.mode().upstreamName() + "_out", x);
            }
        }
        x = k.silu(blocks.rmsNorm(x, d.headNorm()));
        x = blocks.causalConv(x, d.headConv(), cache.next());
        trace.record("dec_head_out", x);
        return x;
    }

    // ---- encode ----------------------------------------------------------------------

    /**
     * Video {@code [3, T, H, W]} in [-1, 1] (H, W multiples of 8) → raw {@code mu}
     * {@code [z, 1+(T-1)/4, H/8, W/8]}. Trailing frames that do not fill a chunk of 4 are
     * ignored, as upstream and ComfyUI do.
     */
    public Tensor encode(Tensor video) {
        return encode(video, WanVaeTrace.NONE);
    }

    /** {@link #encode(Tensor)}, reporting intermediates to {@code trace}. */
    public Tensor encode(Tensor video, WanVaeTrace trace) {
        int f = WanVaeConfig.SPATIAL_FACTOR;
        if (video.rank() != 4 || video.dim(0) != 3 || video.dim(1) < 1 || video.dim(2) % f != 0 || video.dim(3) % f != 0) {
            throw new IllegalArgumentException("Wan VAE encode expects a video [3, T, H, W] with H and W multiples of "
                    + f + ", got " + Arrays.toString(video.shape()));
        }
        long frames = video.dim(1), h = video.dim(2), w = video.dim(3);
        long latentFrames = WanVaeConfig.encodedFrames(frames);
        int z = config().zDim();
        Tensor v5 = video.toF32().reshape(1, 3, frames, h, w);
        Tensor mu = Tensor.zeros(DType.F32, z, latentFrames, h / f, w / f);
        FeatureCache cache = new FeatureCache();
        long written = 0;
        for (long i = 0; i < latentFrames; i++) {
            long start = i == 0 ? 0 : 1 + WanVaeConfig.TEMPORAL_FACTOR * (i - 1);
            long end = i == 0 ? 1 : start + WanVaeConfig.TEMPORAL_FACTOR;
            cache.startChunk();
            Tensor chunk = encodeChunk(k.slice(v5, TIME, start, end), cache, trace);
            copyFrames(chunk, mu, written);
            written += chunk.dim(TIME);
            trace.chunkDone(i + 1, latentFrames);
        }
        return mu;
    }

    /**
     * One chunk of frames through the encoder (upstream {@code Encoder3d.forward}) and the
     * top-level conv1, keeping the mu half: conv1 → downsamples → middle → head → conv1 (1×1×1).
     */
    private Tensor encodeChunk(Tensor frames, FeatureCache cache, WanVaeTrace trace) {
        Encoder e = weights.encoder();
        Tensor x = blocks.causalConv(frames, e.conv1(), cache.next());
        trace.record("enc_conv1_out", x);
        for (int i = 0; i < e.downsamples().size(); i++) {
            Layer layer = e.downsamples().get(i);
            if (layer instanceof ResidualBlock r) {
                x = blocks.residualBlock(x, r, cache);
            } else if (layer instanceof Resample r) {
                x = blocks.downsample(x, r, cache);
                trace.record("enc_downsamples" + i + "_" + r.mode().upstreamName() + "_out", x);
            }
        }
        x = blocks.residualBlock(x, e.middle0(), cache);
        x = blocks.attentionBlock(x, e.attention());
        x = blocks.residualBlock(x, e.middle2(), cache);
        trace.record("enc_middle_out", x);
        x = k.silu(blocks.rmsNorm(x, e.headNorm()));
        x = blocks.causalConv(x, e.headConv(), cache.next());
        trace.record("enc_head_out", x);
        x = blocks.pointwiseConv(x, weights.quantConv());
        trace.record("enc_conv1x1_out", x);
        return k.slice(x, 1, 0, config().zDim());                 // mu; log_var is unused
    }

    // ---- helpers ---------------------------------------------------------------------

    /**
     * Copies a chunk {@code [1, C, t, H, W]} into frames {@code [t0, t0+t)} of {@code out}
     * {@code [C, T, H, W]} (both float32). Plain memory moves: per channel the chunk's frames are
     * one contiguous run in both tensors.
     */
    private static void copyFrames(Tensor chunk, Tensor out, long t0) {
        long c = out.dim(0), total = out.dim(1), plane = out.dim(2) * out.dim(3);
        long t = chunk.dim(TIME);
        if (chunk.dim(1) != c || chunk.dim(3) * chunk.dim(4) != plane || t0 + t > total) {
            throw new IllegalStateException("chunk " + chunk + " does not fit frames " + t0 + ".. of " + out);
        }
        long bytes = t * plane * Float.BYTES;
        MemorySegment src = chunk.data(), dst = out.data();
        for (long ch = 0; ch < c; ch++) {
            MemorySegment.copy(src, ch * bytes, dst, (ch * total + t0) * plane * Float.BYTES, bytes);
        }
    }
}
