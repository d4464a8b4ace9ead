package org.jcomfy.nodes.models.wan.dit;

import java.util.Arrays;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.models.SequenceShard;
import org.jcomfy.nodes.models.wan.dit.WanWeights.Attention;
import org.jcomfy.nodes.models.wan.dit.WanWeights.Block;
import org.jcomfy.nodes.models.wan.dit.WanWeights.Linear;

/**
 * The Wan2.1 DiT ({@code WanModel} of the official {@code wan/modules/model.py}) as a list of
 * named kernel calls. Section numbers (§) refer to {@code spec/WAN-MODEL.md}. Activations are
 * float32; weights stay in their stored dtype and are widened by the kernels. The model is
 * immutable and may be shared between threads.
 */
public final class WanModel {
    /** {@code torch.nn.LayerNorm}'s default eps, which the image projection keeps. */
    private static final float TORCH_LAYER_NORM_EPS = 1e-5f;

    private final WanConfig config;
    private final WanWeights weights;
    private final Kernels k;

    public WanModel(WanConfig config, WanWeights weights, Kernels kernels) {
        if (weights.blocks().size() != config.numLayers()) {
            throw new IllegalArgumentException(weights.blocks().size() + " blocks for " + config);
        }
        this.config = config;
        this.weights = weights;
        this.k = kernels;
    }

    public WanConfig config() { return config; }

    public WanWeights weights() { return weights; }

    /** The same weights on other kernels (a MODEL with its own attention kernel): a cheap view. */
    public WanModel withKernels(Kernels kernels) {
        return new WanModel(config, weights, kernels);
    }

    /** Text-to-video (and Wan 2.2's 36-channel expert, whose extra channels the caller concatenates). */
    public Tensor forward(Tensor x, double[] timesteps, Tensor context) {
        return forward(x, timesteps, context, null, BlockLoop.EVERY_BLOCK, ActivationRecorder.NONE);
    }

    public Tensor forward(Tensor x, double[] timesteps, Tensor context, ActivationRecorder rec) {
        return forward(x, timesteps, context, null, BlockLoop.EVERY_BLOCK, rec);
    }

    public Tensor forward(Tensor x, double[] timesteps, Tensor context, Tensor clipFeatures, ActivationRecorder rec) {
        return forward(x, timesteps, context, clipFeatures, BlockLoop.EVERY_BLOCK, rec);
    }

    public Tensor forward(Tensor x, double[] timesteps, Tensor context, Tensor clipFeatures, BlockLoop loop,
                          ActivationRecorder rec) {
        return forward(x, timesteps, context, clipFeatures, loop, SequenceParallel.NONE, rec);
    }

    /**
     * Predicts the flow velocity: the embedding stage, the block loop, the head. Under sequence
     * parallelism the blocks run on this rank's shard of the tokens, and every rank returns the
     * whole output.
     *
     * @param x         latent {@code [B, inDim, F, H, W]} (H, W even); for i2v the caller has
     *                  already concatenated the conditioning channels (official {@code y}, ComfyUI
     *                  {@code concat_cond}) after the 16 noisy ones
     * @param timesteps one timestep per sample (the official pipeline feeds integers 0..1000,
     *                  ComfyUI {@code sigma * 1000})
     * @param context   text embeddings {@code [B, Lc, textDim]}; zero-padded here to textLen
     *                  rows when shorter (official), used as is when longer (ComfyUI)
     * @param clipFeatures i2v: CLIP image features {@code [B, 257, clipDim]}; flf2v: first and last
     *                  frame's features one after the other, {@code [B, 514, clipDim]} (or one
     *                  image's, 257 rows, as ComfyUI allows); null for t2v
     * @param loop      runs the blocks: {@link BlockLoop#EVERY_BLOCK}, or a cache policy's loop
     * @param sequence  how the tokens are spread over ranks ({@link SequenceParallel#NONE}: all here)
     * @param rec       receives the golden-named intermediates (tests); {@link ActivationRecorder#NONE} otherwise
     * @return {@code [B, outDim, F, H, W]}
     */
    public Tensor forward(Tensor x, double[] timesteps, Tensor context, Tensor clipFeatures, BlockLoop loop,
                          SequenceParallel sequence, ActivationRecorder rec) {
        checkInputs(x, timesteps, context, clipFeatures);
        Embedded in = embed(x, timesteps, context, clipFeatures, rec);
        SequenceShard shard = sequence.shard(in.tokens().dim(1), config.numHeads(), k);
        Tensor h = loop.run(shard.local(in.tokens()), blocks(in, shard, rec));
        return head(in, shard.gather(h), rec);
    }

    /** What the embedding stage hands to the blocks and the head. */
    private record Embedded(long[] latentShape, Grid grid, Tensor tokens, Tensor timeEmbedding, Tensor modulation,
                            Tensor context, Tensor imageContext) {}

    /** §1.2-1.3 patch, time and text embeddings. */
    private Embedded embed(Tensor x, double[] timesteps, Tensor context, Tensor clipFeatures, ActivationRecorder rec) {
        int d = config.dim();
        int[] p = config.patchSize();
        long b = x.dim(0), c = x.dim(1);
        long frames = x.dim(2) / p[0], height = x.dim(3) / p[1], width = x.dim(4) / p[2];
        long tokens = frames * height * width;

        // §1.2.1-2 patch embedding: Conv3d with kernel = stride = patch is a linear layer over
        // patches flattened (c, kt, kh, kw); tokens in (f, h, w) row-major order.
        Tensor patches = k.permute(x.reshape(b, c, frames, p[0], height, p[1], width, p[2]), 0, 2, 4, 6, 1, 3, 5, 7)
                .reshape(b, tokens, config.patchInFeatures());
        Tensor patchTokens = linear(patches, weights.patchEmbedding());
        rec.record("patch_embedding_out", () -> k.permute(patchTokens.reshape(b, frames, height, width, d), 0, 4, 1, 2, 3));
        rec.record("patch_tokens", patchTokens);

        // §1.3 time embedding: sinusoid in float64, MLPs in float32.
        double[] sinusoid = timeSinusoid(timesteps, config.freqDim());
        rec.record("time_sinusoid_f64", () -> Tensor.ofDoubles(sinusoid, b, config.freqDim()));
        Tensor sin = Tensor.ofDoubles(sinusoid, b, config.freqDim()).toF32();
        rec.record("time_sinusoid_f32", sin);
        Tensor e = linear(k.silu(linear(sin, weights.timeEmbedding1())), weights.timeEmbedding2());   // [B, D]
        rec.record("time_embedding_out", e);
        Tensor e0 = linear(k.silu(e), weights.timeProjection());                                     // [B, 6D]
        rec.record("time_projection_out", e0);

        // §1.2.5 text embedding: zero rows up to textLen *before* the MLP, never masked later.
        Tensor padded = padContext(context);
        rec.record("context_padded", padded);
        Tensor ctx = linear(k.geluTanh(linear(padded, weights.textEmbedding1())), weights.textEmbedding2());
        rec.record("context_embedded", ctx);
        // i2v: CLIP features → img_emb MLP → extra context rows with their own keys and values.
        Tensor ctxImage = clipFeatures == null ? null : imageEmbedding(clipFeatures);
        if (ctxImage != null) rec.record("context_image", ctxImage);

        Grid grid = new Grid((int) frames, (int) height, (int) width);
        return new Embedded(x.shape(), grid, patchTokens, e, e0.reshape(b, 6, d), ctx, ctxImage);
    }

    /** §1.4 the blocks, for the loop to run; each block's temporaries are freed when it ends. */
    private BlockLoop.Blocks blocks(Embedded in, SequenceShard shard, ActivationRecorder rec) {
        return new BlockLoop.Blocks() {
            @Override public int count() { return config.numLayers(); }

            @Override public Kernels kernels() { return k; }

            @Override public Tensor timeEmbedding() { return in.timeEmbedding(); }

            @Override public Tensor timeModulation() { return in.modulation(); }

            @Override
            public Tensor compute(int i, Tensor h, BlockLoop.SelfAttention selfAttention) {
                try (TensorScope scope = TensorScope.open()) {
                    return scope.keep(block(i, weights.blocks().get(i), h, in, shard, selfAttention, rec));
                }
            }
        };
    }

    /** §1.6 head, modulated by e (the time embedding), not e0; order (shift, scale); then unpatchify. */
    private Tensor head(Embedded in, Tensor h, ActivationRecorder rec) {
        int d = config.dim();
        long b = h.dim(0);
        int[] p = config.patchSize();
        rec.record("head_in", h);
        Tensor e2 = k.add(weights.headModulation(), in.timeEmbedding().reshape(b, 1, d));          // [B, 2, D]
        rec.record("head_e_chunks", e2);
        Tensor out = linear(k.modulate(layerNorm(h), chunk(e2, 0), chunk(e2, 1)), weights.head());   // [B, L, O*4]
        rec.record("head_out", out);

        // §1.6 unpatchify: each token's features are (pt, ph, pw, c) with the channel fastest.
        int o = config.outDim();
        long[] shape = in.latentShape();
        Grid g = in.grid();
        Tensor video = k.permute(out.reshape(b, g.frames(), g.height(), g.width(), p[0], p[1], p[2], o), 0, 7, 1, 4, 2, 5, 3, 6)
                .reshape(b, o, shape[2], shape[3], shape[4]);
        rec.record("output", video);
        return video;
    }

    /** §1.4 one WanAttentionBlock. */
    private Tensor block(int i, Block w, Tensor x, Embedded in, SequenceShard shard, BlockLoop.SelfAttention selfAttention,
                         ActivationRecorder rec) {
        String n = "block" + i + "_";
        rec.record(n + "in", x);
        // E = modulation + e0, six [B, 1, D] chunks: shift/scale/gate for self-attention, then for the FFN.
        Tensor mod = k.add(w.modulation(), in.modulation());
        rec.record(n + "e_chunks", mod);

        Tensor saIn = k.modulate(layerNorm(x), chunk(mod, 0), chunk(mod, 1));
        rec.record(n + "sa_in", saIn);
        Tensor sa = selfAttention.of(i, () -> selfAttention(n, w.selfAttn(), saIn, in.grid(), shard, rec));
        rec.record(n + "sa_out", sa);
        x = k.addGated(x, sa, chunk(mod, 2));
        rec.record(n + "x_after_sa", x);

        // Cross-attention: affine LayerNorm (norm3), no modulation, no gate.
        Tensor n3 = k.layerNorm(x, w.norm3Weight(), w.norm3Bias(), config.eps());
        rec.record(n + "norm3_out", n3);
        Tensor ca = crossAttention(w, n3, in.context(), in.imageContext());
        rec.record(n + "ca_out", ca);
        x = k.add(x, ca);
        rec.record(n + "x_after_ca", x);

        Tensor ffnIn = k.modulate(layerNorm(x), chunk(mod, 3), chunk(mod, 4));
        rec.record(n + "ffn_in", ffnIn);
        Tensor ffn = linear(k.geluTanh(linear(ffnIn, w.ffn1())), w.ffn2());
        rec.record(n + "ffn_out", ffn);
        x = k.addGated(x, ffn, chunk(mod, 5));
        rec.record(n + "out", x);
        return x;
    }

    /**
     * §1.5 self-attention: RMS norm of q and k over the full width, 3-D RoPE at the shard's
     * sequence positions, global attention (over every rank's tokens).
     */
    private Tensor selfAttention(String n, Attention w, Tensor x, Grid grid, SequenceShard shard, ActivationRecorder rec) {
        long b = x.dim(0), s = x.dim(1);
        Tensor qLinear = linear(x, w.q());
        Tensor kLinear = linear(x, w.k());
        rec.record(n + "q_linear", qLinear);
        rec.record(n + "k_linear", kLinear);
        Tensor qNormed = k.rmsNorm(qLinear, w.normQ(), config.eps());
        Tensor kNormed = k.rmsNorm(kLinear, w.normK(), config.eps());
        rec.record(n + "q_normed", qNormed);
        rec.record(n + "k_normed", kNormed);
        Tensor v = linear(x, w.v());
        rec.record(n + "v", v);
        Tensor q = k.rope3d(heads(qNormed), grid.frames(), grid.height(), grid.width(), shard.firstToken());
        Tensor kk = k.rope3d(heads(kNormed), grid.frames(), grid.height(), grid.width(), shard.firstToken());
        rec.record(n + "q_rope", q);
        rec.record(n + "k_rope", kk);
        Tensor attn = shard.selfAttention(q, kk, heads(v), attentionScale());
        return linear(attn.reshape(b, s, config.dim()), w.o());
    }

    /**
     * §1.5 cross-attention: queries from the video tokens, keys/values from all text rows, no
     * mask. i2v adds a second attention over the image rows (keys {@code k_img}, {@code v_img},
     * {@code norm_k_img}) with the same queries; the two results are summed before {@code o}.
     */
    private Tensor crossAttention(Block block, Tensor x, Tensor ctx, Tensor ctxImage) {
        Attention w = block.crossAttn();
        long b = x.dim(0), s = x.dim(1);
        Tensor q = heads(k.rmsNorm(linear(x, w.q()), w.normQ(), config.eps()));
        Tensor kk = heads(k.rmsNorm(linear(ctx, w.k()), w.normK(), config.eps()));
        Tensor v = heads(linear(ctx, w.v()));
        Tensor attn = k.attention(q, kk, v, null, attentionScale());
        if (ctxImage != null) {
            WanWeights.ImageKeys img = block.imageKeys();
            Tensor kImg = heads(k.rmsNorm(linear(ctxImage, img.k()), img.normK(), config.eps()));
            Tensor vImg = heads(linear(ctxImage, img.v()));
            attn = k.add(attn, k.attention(q, kImg, vImg, null, attentionScale()));
        }
        return linear(attn.reshape(b, s, config.dim()), w.o());
    }

    /** i2v {@code img_emb}: LN → Linear → GELU (erf) → Linear → LN, LayerNorm eps 1e-5 (torch default). */
    private Tensor imageEmbedding(Tensor clipFeatures) {
        WanWeights.ImageProjection p = weights.imageProjection();
        // flf2v: learned positions for the (up to) 514 image rows, the first rows when only one image is given.
        Tensor h = p.positions() == null ? clipFeatures
                : k.add(clipFeatures, k.slice(p.positions(), 1, 0, clipFeatures.dim(1)));
        h = k.layerNorm(h, p.norm1Weight(), p.norm1Bias(), TORCH_LAYER_NORM_EPS);
        h = linear(k.gelu(linear(h, p.proj1())), p.proj2());
        return k.layerNorm(h, p.norm2Weight(), p.norm2Bias(), TORCH_LAYER_NORM_EPS);
    }

    // ---- small steps ---------------------------------------------------------------------

    /**
     * §1.3 {@code [cos(t·ω_k) | sin(t·ω_k)]}, ω_k = 10000^(-k/half), in float64 (a float32
     * argument at t = 999 is off by up to 5.6e-5). Returns {@code [B, freqDim]} row-major.
     */
    static double[] timeSinusoid(double[] timesteps, int freqDim) {
        int half = freqDim / 2;
        double[] out = new double[timesteps.length * freqDim];
        for (int bi = 0; bi < timesteps.length; bi++) {
            for (int j = 0; j < half; j++) {
                double angle = timesteps[bi] * Math.pow(10000.0, -(double) j / half);
                out[bi * freqDim + j] = Math.cos(angle);
                out[bi * freqDim + half + j] = Math.sin(angle);
            }
        }
        return out;
    }

    private Tensor padContext(Tensor context) {
        long rows = context.dim(1);
        if (rows >= config.textLen()) return context.toF32();
        return k.pad(context, new long[] {0, 0, 0}, new long[] {0, config.textLen() - rows, 0}, 0f);
    }

    private Tensor linear(Tensor x, Linear w) {
        return k.linear(x, w.weight(), w.bias(), w.scale());
    }

    /** LayerNorm without affine parameters (norm1, norm2, head.norm). */
    private Tensor layerNorm(Tensor x) {
        return k.layerNorm(x, null, null, config.eps());
    }

    /** Chunk {@code index} of {@code [B, n, D]} modulation vectors, as {@code [B, 1, D]}. */
    private Tensor chunk(Tensor chunks, int index) {
        return k.slice(chunks, 1, index, index + 1);
    }

    /** {@code [B, S, D]} → {@code [B, S, heads, headDim]}, head j = features j·d .. j·d+d-1. */
    private Tensor heads(Tensor x) {
        return x.reshape(x.dim(0), x.dim(1), config.numHeads(), config.headDim());
    }

    private float attentionScale() {
        return (float) (1.0 / Math.sqrt(config.headDim()));
    }

    private void checkInputs(Tensor x, double[] timesteps, Tensor context, Tensor clipFeatures) {
        if (config.hasImageProjection()) {
            // flf2v takes the first and the last frame's features (514 rows), or, as in ComfyUI, only one image's.
            long rows = WanWeights.CLIP_TOKENS;
            boolean twoImages = config.modelType() == WanModelType.FLF2V && clipFeatures != null && clipFeatures.rank() == 3
                    && clipFeatures.dim(1) == 2L * rows;
            if (clipFeatures == null || clipFeatures.rank() != 3 || clipFeatures.dim(0) != x.dim(0)
                    || (clipFeatures.dim(1) != rows && !twoImages) || clipFeatures.dim(2) != config.clipDim()) {
                throw new IllegalArgumentException("a Wan " + config.modelType().comfyName() + " model needs CLIP image features ["
                        + x.dim(0) + ", " + (config.modelType() == WanModelType.FLF2V ? "257 or 514" : "257") + ", "
                        + config.clipDim() + "], got " + (clipFeatures == null ? "none" : Arrays.toString(clipFeatures.shape())));
            }
        } else if (clipFeatures != null) {
            throw new IllegalArgumentException("a Wan " + config.modelType().comfyName() + " model takes no CLIP image features");
        }
        int[] p = config.patchSize();
        if (x.rank() != 5 || x.dim(1) != config.inDim()) {
            throw new IllegalArgumentException("latent must be [B, " + config.inDim() + ", F, H, W], got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dim(2) % p[0] != 0 || x.dim(3) % p[1] != 0 || x.dim(4) % p[2] != 0) {
            throw new IllegalArgumentException("latent " + Arrays.toString(x.shape()) + " is not a whole number of "
                    + Arrays.toString(p) + " patches");
        }
        if (timesteps.length != x.dim(0)) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + x.dim(0));
        }
        if (context.rank() != 3 || context.dim(0) != x.dim(0) || context.dim(2) != config.textDim()) {
            throw new IllegalArgumentException("context must be [" + x.dim(0) + ", Lc, " + config.textDim() + "], got "
                    + Arrays.toString(context.shape()));
        }
    }

    /** The patch grid, for RoPE positions. */
    private record Grid(int frames, int height, int width) {}
}
