package org.jcomfy.nodes.models.wan.vae;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;

/**
 * {@code ./jcomfy tensors vae-decode|vae-encode WEIGHTS INPUTS OUT}: runs the Wan VAE on named
 * tensors for parity work, with the conventions of the official {@code WanVAE} wrapper and of the
 * goldens (not ComfyUI's raw LATENT):
 *
 * <ul>
 *   <li>{@code decode}: input {@code z} {@code [16, T, h, w]} (or {@code [1, 16, T, h, w]}) is a
 *       <i>normalised</i> latent, as the DiT produces; it is de-normalised, decoded, and written as
 *       {@code decoded} (clamped to [-1, 1]) and {@code decoded_raw} (unclamped)
 *       {@code [3, 1+4(T-1), 8h, 8w]}.</li>
 *   <li>{@code encode}: input {@code video} {@code [3, T, H, W]} in [-1, 1]; output
 *       {@code encoded_mu} {@code [16, 1+(T-1)/4, H/8, W/8]}, normalised.</li>
 * </ul>
 *
 * Optional inputs {@code latents_mean} and {@code latents_std} ({@code [16]}) replace the Wan2.1
 * constants.
 */
public final class VaeTensorsCommand {
    private VaeTensorsCommand() {}

    /** Runs on {@code k}, the kernels of the device the caller set up. */
    public static void run(String mode, Path weights, Path inputs, Path out, Kernels k) throws IOException {
        if (!mode.equals("decode") && !mode.equals("encode")) {
            throw new IllegalArgumentException("vae mode must be 'decode' or 'encode', not '" + mode + "'");
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        try (WanVae vae = WanVae.load(weights, k); SafeTensorsFile in = SafeTensorsFile.open(inputs)) {
            WanLatentScaling scaling = in.contains("latents_mean") && in.contains("latents_std")
                    ? new WanLatentScaling(in.tensor("latents_mean").toF32(), in.tensor("latents_std").toF32())
                    : WanLatentScaling.wan21();
            if (mode.equals("decode")) {
                Tensor z = dropBatch(required(in, "z"));
                Tensor raw = vae.decode(scaling.denormalise(z.toF32(), k));
                result.put("decoded", clampToUnit(raw));
                result.put("decoded_raw", raw);
            } else {
                Tensor video = dropBatch(required(in, "video"));
                result.put("encoded_mu", scaling.normalise(vae.encode(video), k));
            }
        }
        SafeTensorsWriter.write(out, result);
    }

    private static Tensor required(SafeTensorsFile in, String name) {
        if (!in.contains(name)) {
            throw new IllegalArgumentException(in.path() + ": needs a tensor named '" + name + "'; has " + in.names());
        }
        return in.tensor(name);
    }

    /** {@code [1, C, T, H, W] → [C, T, H, W]}; other shapes pass through to the model's own check. */
    private static Tensor dropBatch(Tensor t) {
        return t.rank() == 5 && t.dim(0) == 1 ? t.reshape(Arrays.copyOfRange(t.shape(), 1, 5)) : t;
    }

    /** The official wrapper's final {@code clamp(-1, 1)}: an output conversion, done element by element. */
    private static Tensor clampToUnit(Tensor raw) {
        float[] v = raw.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(-1f, Math.min(1f, v[i]));
        return Tensor.of(v, raw.shape());
    }
}
