package org.jcomfy.nodes.loaders;

import java.util.List;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.nodes.models.wan.dit.WanDit;
import org.jcomfy.nodes.models.wan.t5.UmT5TextEncoder;
import org.jcomfy.nodes.models.wan.vae.WanVae;
import org.jcomfy.nodes.types.DiffusionNet;
import org.jcomfy.nodes.types.TextEncoder;
import org.jcomfy.nodes.types.VideoVae;

/**
 * Opens the Wan model implementations on a device and presents them as node values, each use
 * guarded by its {@link ModelFile} (the file must still be the one mapped).
 */
final class WanAdapters {
    private WanAdapters() {}

    static DiffusionNet loadDiffusionNet(ModelFile file, String weightDtype, Device device) {
        WanDit.Loaded loaded = WanDit.load(file.path(), device.kernels(), matrixDtype(weightDtype));
        return new WanDiffusionNet(loaded.model(), device.kernels(), file, loaded.source(),
                file.label() + "|" + weightDtype, List.of());
    }

    /**
     * UNETLoader's weight_dtype: {@code default} keeps the file's dtype; the fp8 choices store the linear
     * matrices in fp8 (widened inside the GEMM). {@code fp8_e4m3fn_fast} selects fp8 matrix units on GPUs;
     * on the CPU it is the same as {@code fp8_e4m3fn}.
     */
    static DType matrixDtype(String weightDtype) {
        return switch (weightDtype) {
            case "default" -> null;
            case "fp8_e4m3fn", "fp8_e4m3fn_fast" -> DType.F8_E4M3FN;
            case "fp8_e5m2" -> DType.F8_E5M2;
            default -> throw new IllegalArgumentException("unknown weight_dtype '" + weightDtype + "'");
        };
    }

    static TextEncoder loadTextEncoder(ModelFile file, Device device) {
        return new WanTextEncoder(UmT5TextEncoder.open(file.path(), device.kernels()), device.kernels(), file, List.of());
    }

    static VideoVae loadVae(ModelFile file, Device device) {
        return new WanVideoVae(WanVae.load(file.path(), device.kernels()), device.kernels(), file);
    }
}
