package org.jcomfy.server;

import java.nio.file.Path;
import java.util.List;
import org.jcomfy.backend.device.Device;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.SharedObjects;
import org.jcomfy.server.files.ModelFolders;

/**
 * What nodes see of the running server: the input/output/temp folders from the options, model
 * files through {@link ModelFolders}, the compute device, and the shared-object cache.
 */
public final class ServerEnvironment implements NodeEnvironment {
    private final ServerOptions options;
    private final ModelFolders models;
    private final Device device;
    private final SharedObjects shared;

    public ServerEnvironment(ServerOptions options, ModelFolders models, Device device, SharedObjects shared) {
        this.options = options;
        this.models = models;
        this.device = device;
        this.shared = shared;
    }

    public ModelFolders modelFolders() { return models; }

    @Override public Path inputDirectory() { return options.inputDirectory(); }

    @Override public Path outputDirectory() { return options.outputDirectory(); }

    @Override public Path tempDirectory() { return options.tempDirectory(); }

    @Override public List<String> modelFiles(String folder) { return models.files(folder); }

    @Override public Path modelPath(String folder, String name) { return models.path(folder, name); }

    @Override public Device device() { return device; }

    @Override public SharedObjects shared() { return shared; }
}
