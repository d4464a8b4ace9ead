package org.jcomfy.nodes.api;

import java.nio.file.Path;
import java.util.List;
import org.jcomfy.backend.device.Device;

/** What nodes may know of the server they run in: folders, model files and the device. */
public interface NodeEnvironment {
    Path inputDirectory();

    Path outputDirectory();

    Path tempDirectory();

    /**
     * Files of a model folder ({@code diffusion_models}, {@code text_encoders}, {@code vae},
     * {@code clip_vision}, {@code loras}, ...) relative to their root, sorted, as ComfyUI lists them.
     */
    List<String> modelFiles(String folder);

    /** The full path of a listed model file; throws with a clear message if it is not there. */
    Path modelPath(String folder, String name);

    /** The device models and kernels run on. */
    Device device();

    /** Objects shared by all prompts (loaded models), keyed by whatever the caller chooses. */
    SharedObjects shared();
}
