package org.jcomfy.nodes.loaders;

import java.nio.file.Path;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.types.DiffusionNet;
import org.jcomfy.nodes.types.TextEncoder;
import org.jcomfy.nodes.types.VideoVae;

/** Binds the Wan model implementations to the node value types. */
final class WanAdapters {
    private WanAdapters() {}

    static DiffusionNet loadDiffusionNet(Path file, String weightDtype, Device device) {
        throw new IllegalStateException("Wan DiT loading is being integrated");
    }

    static TextEncoder loadTextEncoder(Path file, Device device) {
        throw new IllegalStateException("UMT5 loading is being integrated");
    }

    static VideoVae loadVae(Path file, Device device) {
        throw new IllegalStateException("Wan VAE loading is being integrated");
    }
}
