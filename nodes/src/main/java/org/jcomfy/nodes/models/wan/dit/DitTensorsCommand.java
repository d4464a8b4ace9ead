package org.jcomfy.nodes.models.wan.dit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ActivationRecorder;

/**
 * The core of {@code ./jcomfy tensors dit --weights W --inputs I --out O}: runs the DiT on
 * named tensors and writes named tensors, for parity work against the Python implementations.
 *
 * <p>Inputs (the layout of {@code testdata/golden/wan-tiny/inputs.safetensors}):
 * <ul>
 *   <li>{@code x}: latent {@code [C, F, H, W]} or {@code [B, C, F, H, W]};</li>
 *   <li>{@code t}: timestep(s), a scalar, {@code [1]} or {@code [B]}, any numeric dtype;</li>
 *   <li>{@code context}: text embedding {@code [Lc, textDim]} or {@code [B, Lc, textDim]};</li>
 *   <li>{@code clip}: i2v/flf2v only, CLIP image features {@code [257|514, clipDim]} or with batch
 *       (i2v's conditioning channels are part of {@code x}, as in ComfyUI);</li>
 *   <li>optional {@code context_null}: the negative prompt's embedding, same forms;</li>
 *   <li>optional {@code guide_scale}: {@code [1]}, used with {@code context_null}.</li>
 * </ul>
 * Outputs: {@code output} (the rank of {@code x}); with {@code context_null} also
 * {@code output_uncond}, and with {@code guide_scale} also
 * {@code output_cfg = uncond + g·(cond − uncond)}; plus the conditional run's intermediates
 * under the golden names, batch dimension kept: embeddings, every step of block 0,
 * {@code blockN_out} for every block, and the head ({@link #ACTIVATIONS_RECORDED}).
 * Other tensors in the inputs file are ignored.
 */
public final class DitTensorsCommand {
    /** Which intermediates are written: block 0 in detail, every other block only by its output. */
    public static final String ACTIVATIONS_RECORDED = "non-block steps, block0_*, block<N>_out";

    private DitTensorsCommand() {}

    /** {@code --weights W --inputs I --out O}, in any order. */
    public static void main(String... args) throws IOException {
        Map<String, Path> flags = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) flags.put(args[i], Path.of(args[i + 1]));
        if (args.length % 2 != 0 || !flags.keySet().equals(java.util.Set.of("--weights", "--inputs", "--out"))) {
            throw new IllegalArgumentException("usage: tensors dit --weights W.safetensors --inputs I.safetensors"
                    + " --out O.safetensors (got " + Arrays.toString(args) + ")");
        }
        run(flags.get("--weights"), flags.get("--inputs"), flags.get("--out"),
                Devices.cpu(BackendOptions.fromSystemProperties()).kernels());
    }

    /** Runs on {@code k}, the kernels of the device the caller set up. */
    public static void run(Path weights, Path inputs, Path out, Kernels k) throws IOException {
        Map<String, Tensor> results = new LinkedHashMap<>();
        try (WanDit.Loaded dit = WanDit.load(weights, k); SafeTensorsFile in = SafeTensorsFile.open(inputs)) {
            WanModel model = dit.model();
            Tensor xIn = required(in, "x");
            boolean unbatched = xIn.rank() == 4;
            Tensor x = unbatched ? xIn.batchOfOne() : xIn;
            double[] t = timesteps(required(in, "t"), x.dim(0));
            Tensor context = batch(required(in, "context"), 2);
            Tensor clip = in.contains("clip") ? batch(in.tensor("clip"), 2) : null;

            ActivationRecorder rec = new ActivationRecorder() {
                @Override public boolean wants(String name) {
                    return !name.startsWith("block") || name.startsWith("block0_") || name.matches("block\\d+_out");
                }
                @Override public void accept(String name, Tensor value) {
                    if (!name.equals("output")) results.put(name, value);
                }
            };
            Tensor cond = model.forward(x, t, context, clip, rec);
            results.put("output", unbatched ? cond.select(0) : cond);
            if (in.contains("context_null")) {
                Tensor uncond = model.forward(x, t, batch(in.tensor("context_null"), 2), clip, ActivationRecorder.NONE);
                results.put("output_uncond", unbatched ? uncond.select(0) : uncond);
                if (in.contains("guide_scale")) {
                    float g = in.tensor("guide_scale").getFloat(0);
                    Tensor cfg = k.add(uncond, k.scale(k.sub(cond, uncond), g));
                    results.put("output_cfg", unbatched ? cfg.select(0) : cfg);
                }
            }
            // Write while the weights are still mapped (some results may be views of them).
            SafeTensorsWriter.write(out, results, Map.of("model", model.config().toString()));
        }
    }

    private static Tensor required(SafeTensorsFile in, String name) {
        if (!in.contains(name)) throw new IllegalArgumentException(in.path() + ": missing input tensor '" + name + "'");
        return in.tensor(name);
    }

    /** Adds the batch dimension when {@code t} has {@code rank} dimensions without it. */
    private static Tensor batch(Tensor t, int rank) {
        return t.rank() == rank ? t.batchOfOne() : t;
    }

    /** One timestep per sample; a single value serves the whole batch. */
    private static double[] timesteps(Tensor t, long batch) {
        if (t.numel() != 1 && t.numel() != batch) {
            throw new IllegalArgumentException("t has " + t.numel() + " values for a batch of " + batch);
        }
        double[] out = new double[(int) batch];
        for (int i = 0; i < batch; i++) out[i] = t.getDouble(t.numel() == 1 ? 0 : i);
        return out;
    }
}
