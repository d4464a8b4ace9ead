package org.jcomfy.server.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.nodes.models.wan.dit.DitTensorsCommand;
import org.jcomfy.nodes.models.wan.t5.TextEncoderTensorsCommand;
import org.jcomfy.nodes.models.wan.vae.VaeTensorsCommand;

/**
 * {@code jcomfy tensors dit|t5|vae-decode|vae-encode --weights W --inputs I --out O}: runs one
 * model component on named input tensors and writes its named outputs, for parity work with any
 * other implementation. The input and output names are listed in {@link #USAGE}.
 */
public final class TensorsCommand {
    private TensorsCommand() {}

    static final String USAGE = """
            usage: jcomfy tensors COMPONENT --weights W.safetensors --inputs I.safetensors --out O.safetensors

              dit         inputs: x [B,C,F,H,W] latent, t [B] timesteps, context [B,L,textDim]; optional clip,
                          context_null, guide_scale.  outputs: output (+ output_uncond, output_cfg), and the
                          intermediates block0_*, block<N>_out
              t5          inputs: ids int64 [1,L], mask int64 [1,L].  outputs: output [1,L,dim]
              vae-decode  inputs: z [16,T,h,w] normalised latent (optional latents_mean, latents_std).
                          outputs: decoded (clamped to [-1,1]), decoded_raw [3,1+4(T-1),8h,8w]
              vae-encode  inputs: video [3,T,H,W] in [-1,1].  outputs: encoded_mu [16,1+(T-1)/4,H/8,W/8] normalised
            """;

    /** Runs on the CPU device set up as {@code backend} says. */
    public static int run(String[] args, PrintStream err, BackendOptions backend) throws Exception {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        Map<String, String> flags = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) flags.put(args[i], args[i + 1]);
        Path weights = path(flags, "--weights"), inputs = path(flags, "--inputs"), out = path(flags, "--out");
        if (weights == null || inputs == null || out == null || (args.length - 1) % 2 != 0) {
            err.print(USAGE);
            return 2;
        }
        switch (args[0]) {
            case "dit" -> DitTensorsCommand.run(weights, inputs, out, kernels(backend));
            case "t5" -> TextEncoderTensorsCommand.run(weights, inputs, out, kernels(backend));
            case "vae-decode" -> VaeTensorsCommand.run("decode", weights, inputs, out, kernels(backend));
            case "vae-encode" -> VaeTensorsCommand.run("encode", weights, inputs, out, kernels(backend));
            default -> {
                err.println("jcomfy tensors: unknown component '" + args[0] + "'");
                err.print(USAGE);
                return 2;
            }
        }
        return 0;
    }

    private static Kernels kernels(BackendOptions backend) {
        return Devices.cpu(backend).kernels();
    }

    private static Path path(Map<String, String> flags, String name) {
        String v = flags.get(name);
        return v == null ? null : Path.of(v);
    }
}
