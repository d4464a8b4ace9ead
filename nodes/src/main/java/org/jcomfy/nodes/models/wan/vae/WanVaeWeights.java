package org.jcomfy.nodes.models.wan.vae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.weights.WeightReader;
import org.jcomfy.nodes.models.wan.weights.WeightSource;

/**
 * Every tensor of a Wan2.1 VAE, in the structure of {@code wan/modules/vae.py} (spec WAN-MODEL.md
 * §3.3). Key names are those of the official {@code Wan2.1_VAE.pth}, which ComfyUI's
 * {@code wan_2.1_vae.safetensors} keeps unchanged; {@link #map} is the only place that spells them.
 *
 * <p>Convolution weights stay views of the mapped file in its stored dtype (kernels widen them);
 * norm gains and biases, a few KB, are copied to float32 once. Shapes in the comments use the
 * real model's widths (dim 96).
 *
 * @param config         the architecture the shapes were checked against
 * @param encoder        video → 2·zDim channels (mu | log_var)
 * @param quantConv      top-level {@code conv1}: {@code [2z, 2z, 1, 1, 1]} 1×1×1 conv after the encoder
 * @param postQuantConv  top-level {@code conv2}: {@code [z, z, 1, 1, 1]} 1×1×1 conv before the decoder
 * @param decoder        z channels → RGB
 */
public record WanVaeWeights(WanVaeConfig config, Encoder encoder, Conv quantConv, Conv postQuantConv, Decoder decoder) {

    /** A convolution: weight {@code [O, C, kt, kh, kw]} (3-D) or {@code [O, C, kh, kw]} (2-D), bias {@code [O]} float32. */
    public record Conv(Tensor weight, Tensor bias) {
        public int outChannels() { return Math.toIntExact(weight.dim(0)); }
    }

    /** One step of an encoder/decoder level list: a residual block or a resample. */
    public sealed interface Layer permits ResidualBlock, Resample {}

    /**
     * {@code residual = [RMS(in), SiLU, conv1, RMS(out), SiLU, Dropout, conv2]} plus a shortcut.
     *
     * @param norm1     {@code residual.0.gamma} as float32 {@code [in, 1, 1, 1]}
     * @param conv1     {@code residual.2}: {@code [out, in, 3, 3, 3]}
     * @param norm2     {@code residual.3.gamma} as float32 {@code [out, 1, 1, 1]}
     * @param conv2     {@code residual.6}: {@code [out, out, 3, 3, 3]}
     * @param shortcut  {@code shortcut}: {@code [out, in, 1, 1, 1]}, or null when in == out (identity)
     */
    public record ResidualBlock(Tensor norm1, Conv conv1, Tensor norm2, Conv conv2, Conv shortcut) implements Layer {}

    /**
     * Single-head self-attention over the pixels of each frame.
     *
     * @param norm   {@code norm.gamma} ({@code [C, 1, 1]} in the file) as float32 {@code [C, 1, 1, 1]}
     * @param toQkv  {@code to_qkv}: {@code [3C, C, 1, 1]}
     * @param proj   {@code proj}: {@code [C, C, 1, 1]}
     */
    public record AttentionBlock(Tensor norm, Conv toQkv, Conv proj) {}

    /** The four resampling modes, named as upstream names them (and as the golden activations do). */
    public enum ResampleMode {
        UPSAMPLE_2D("upsample2d"), UPSAMPLE_3D("upsample3d"), DOWNSAMPLE_2D("downsample2d"), DOWNSAMPLE_3D("downsample3d");

        private final String upstreamName;

        ResampleMode(String upstreamName) { this.upstreamName = upstreamName; }

        public String upstreamName() { return upstreamName; }

        public boolean temporal() { return this == UPSAMPLE_3D || this == DOWNSAMPLE_3D; }
    }

    /**
     * Spatial ×2 up/down sampling, optionally with a temporal conv.
     *
     * @param spatialConv  {@code resample.1}: up {@code [C/2, C, 3, 3]}, down {@code [C, C, 3, 3]}
     * @param timeConv     {@code time_conv} for the 3-D modes: up {@code [2C, C, 3, 1, 1]}, down
     *                     {@code [C, C, 3, 1, 1]}; null for the 2-D modes
     */
    public record Resample(ResampleMode mode, Conv spatialConv, Conv timeConv) implements Layer {}

    /**
     * @param conv1        {@code encoder.conv1}: {@code [96, 3, 3, 3, 3]}
     * @param downsamples  {@code encoder.downsamples.N}: residual blocks and downsamples in order
     * @param middle       {@code encoder.middle.{0,2}}: residual blocks at the bottleneck width
     * @param attention    {@code encoder.middle.1}
     * @param headNorm     {@code encoder.head.0.gamma} as float32 {@code [384, 1, 1, 1]}
     * @param headConv     {@code encoder.head.2}: {@code [2z, 384, 3, 3, 3]}
     */
    public record Encoder(Conv conv1, List<Layer> downsamples, ResidualBlock middle0, AttentionBlock attention,
                          ResidualBlock middle2, Tensor headNorm, Conv headConv) {}

    /**
     * @param conv1      {@code decoder.conv1}: {@code [384, z, 3, 3, 3]}
     * @param upsamples  {@code decoder.upsamples.N}: residual blocks and upsamples in order
     * @param headNorm   {@code decoder.head.0.gamma} as float32 {@code [96, 1, 1, 1]}
     * @param headConv   {@code decoder.head.2}: {@code [3, 96, 3, 3, 3]}
     */
    public record Decoder(Conv conv1, ResidualBlock middle0, AttentionBlock attention, ResidualBlock middle2,
                          List<Layer> upsamples, Tensor headNorm, Conv headConv) {}

    /**
     * Loads and checks every tensor of an open checkpoint (any float dtype). Fails with the file
     * and key named on a missing key, a shape mismatch, or a key the architecture does not have.
     * The returned tensors are views of {@code file}: keep it open while they are used.
     */
    public static WanVaeWeights load(SafeTensorsFile file) {
        WeightSource source = WeightSource.over(file);
        WanVaeConfig config = WanVaeConfig.detect(source);
        WanVaeWeights weights = map(config, source);
        source.requireAllUsed(key -> false);
        return weights;
    }

    /**
     * The key-mapping function: names every tensor of {@code config}'s VAE and its shape. A checkpoint
     * ({@link WeightSource}) or the seeded generator of {@link DemoVaeWeights} answers, so a demo file
     * always has exactly the keys and shapes a real checkpoint has.
     */
    static WanVaeWeights map(WanVaeConfig config, WeightReader reader) {
        Mapper m = new Mapper(reader);
        int z = config.zDim();

        // Encoder (§3.3): conv1, per level residual blocks then a downsample, middle, head.
        int[] enc = config.encoderDims();
        List<Layer> downsamples = new ArrayList<>();
        int in = enc[0];
        for (int level = 0; level < config.dimMult().size(); level++) {
            int out = enc[level + 1];
            for (int r = 0; r < config.numResBlocks(); r++) {
                downsamples.add(m.residual("encoder.downsamples." + downsamples.size(), in, out));
                in = out;
            }
            if (level != config.dimMult().size() - 1) {
                ResampleMode mode = config.temporalDownsample().get(level) ? ResampleMode.DOWNSAMPLE_3D : ResampleMode.DOWNSAMPLE_2D;
                downsamples.add(m.resample("encoder.downsamples." + downsamples.size(), mode, out));
            }
        }
        int bottom = config.bottleneckDim();
        Encoder encoder = new Encoder(
                m.conv("encoder.conv1", enc[0], 3, 3, 3, 3),
                List.copyOf(downsamples),
                m.residual("encoder.middle.0", bottom, bottom),
                m.attention("encoder.middle.1", bottom),
                m.residual("encoder.middle.2", bottom, bottom),
                m.gamma("encoder.head.0.gamma", bottom, 4),
                m.conv("encoder.head.2", 2 * z, bottom, 3, 3, 3));

        // Decoder: conv1, middle, per level (numResBlocks + 1) residual blocks then an upsample
        // (temporal flags reversed), head. An upsample halves the width, hence in/2 after level 0.
        int[] dec = config.decoderDims();
        List<Layer> upsamples = new ArrayList<>();
        int levels = config.dimMult().size();
        for (int level = 0; level < levels; level++) {
            int levelIn = level == 0 ? dec[0] : dec[level] / 2;
            int out = dec[level + 1];
            for (int r = 0; r < config.numResBlocks() + 1; r++) {
                upsamples.add(m.residual("decoder.upsamples." + upsamples.size(), levelIn, out));
                levelIn = out;
            }
            if (level != levels - 1) {
                boolean temporal = config.temporalDownsample().get(levels - 2 - level);
                ResampleMode mode = temporal ? ResampleMode.UPSAMPLE_3D : ResampleMode.UPSAMPLE_2D;
                upsamples.add(m.resample("decoder.upsamples." + upsamples.size(), mode, out));
            }
        }
        int last = dec[levels];
        Decoder decoder = new Decoder(
                m.conv("decoder.conv1", dec[0], z, 3, 3, 3),
                m.residual("decoder.middle.0", dec[0], dec[0]),
                m.attention("decoder.middle.1", dec[0]),
                m.residual("decoder.middle.2", dec[0], dec[0]),
                List.copyOf(upsamples),
                m.gamma("decoder.head.0.gamma", last, 4),
                m.conv("decoder.head.2", 3, last, 3, 3, 3));

        return new WanVaeWeights(config, encoder,
                m.conv("conv1", 2 * z, 2 * z, 1, 1, 1),
                m.conv("conv2", z, z, 1, 1, 1),
                decoder);
    }

    /** Builds the records from keys; small tensors become float32 copies. */
    private record Mapper(WeightReader reader) {

        /** {@code prefix.weight [out, in, kernel...]} and {@code prefix.bias [out]}. */
        Conv conv(String prefix, int out, int in, int... kernel) {
            long[] shape = new long[2 + kernel.length];
            shape[0] = out;
            shape[1] = in;
            for (int i = 0; i < kernel.length; i++) shape[2 + i] = kernel[i];
            Tensor weight = reader.take(prefix + ".weight", shape);
            Tensor bias = reader.take(prefix + ".bias", out).toF32();
            return new Conv(weight, bias);
        }

        /** An RMS gain stored as {@code [C, 1, 1(, 1)]} ({@code rank} dims), returned as float32 {@code [C, 1, 1, 1]}. */
        Tensor gamma(String key, int channels, int rank) {
            long[] shape = new long[rank];
            Arrays.fill(shape, 1);
            shape[0] = channels;
            return reader.take(key, shape).toF32().reshape(channels, 1, 1, 1);
        }

        ResidualBlock residual(String prefix, int in, int out) {
            return new ResidualBlock(
                    gamma(prefix + ".residual.0.gamma", in, 4),
                    conv(prefix + ".residual.2", out, in, 3, 3, 3),
                    gamma(prefix + ".residual.3.gamma", out, 4),
                    conv(prefix + ".residual.6", out, out, 3, 3, 3),
                    in == out ? null : conv(prefix + ".shortcut", out, in, 1, 1, 1));
        }

        AttentionBlock attention(String prefix, int c) {
            return new AttentionBlock(
                    gamma(prefix + ".norm.gamma", c, 3),
                    conv(prefix + ".to_qkv", 3 * c, c, 1, 1),
                    conv(prefix + ".proj", c, c, 1, 1));
        }

        Resample resample(String prefix, ResampleMode mode, int c) {
            return switch (mode) {
                case UPSAMPLE_2D -> new Resample(mode, conv(prefix + ".resample.1", c / 2, c, 3, 3), null);
                case UPSAMPLE_3D -> new Resample(mode, conv(prefix + ".resample.1", c / 2, c, 3, 3),
                        conv(prefix + ".time_conv", 2 * c, c, 3, 1, 1));
                case DOWNSAMPLE_2D -> new Resample(mode, conv(prefix + ".resample.1", c, c, 3, 3), null);
                case DOWNSAMPLE_3D -> new Resample(mode, conv(prefix + ".resample.1", c, c, 3, 3),
                        conv(prefix + ".time_conv", c, c, 3, 1, 1));
            };
        }
    }
}
