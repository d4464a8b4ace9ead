package org.jcomfy.nodes.loaders;

import java.nio.file.Path;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.models.wan.dit.WanDit;
import org.jcomfy.nodes.models.wan.t5.UmT5TextEncoder;
import org.jcomfy.nodes.models.wan.vae.WanVae;
import org.jcomfy.nodes.types.DiffusionNet;
import org.jcomfy.nodes.types.TextEncoder;
import org.jcomfy.nodes.types.VideoVae;

/** Opens the Wan model implementations on a device and presents them as node values. */
final class WanAdapters {
    private WanAdapters() {}

    static DiffusionNet loadDiffusionNet(Path file, String weightDtype, Device device) {
        if (!"default".equals(weightDtype)) {
            // Weights always stay in the dtype the file stores; re-quantising to fp8 on load is not implemented.
            throw new IllegalArgumentException("weight_dtype '" + weightDtype + "' is not supported yet: use 'default' "
                    + "(jcomfy keeps weights in the file's dtype; load an fp8 file to run in fp8)");
        }
        return new WanDiffusionNet(WanDit.load(file, device.kernels()).model(), device.kernels());
    }

    static TextEncoder loadTextEncoder(Path file, Device device) {
        UmT5TextEncoder encoder = UmT5TextEncoder.open(file, device.kernels());
        return encoder::encode;
    }

    static VideoVae loadVae(Path file, Device device) {
        return new WanVideoVae(WanVae.load(file, device.kernels()), device.kernels());
    }
}
