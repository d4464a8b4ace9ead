package org.jcomfy.nodes.loaders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.files.FileStamp;

/**
 * A model file and its {@link FileStamp} when it was loaded. Loaded models read their weights
 * through a memory mapping of the file, so a file replaced or truncated on disk changes what an
 * old model reads or makes the read fault. The loaders therefore key the shared model by this
 * stamp (a changed file loads anew) and each use of a model first checks that its file is
 * unchanged, so a change becomes a message that says what happened rather than wrong weights or
 * the JVM's {@code InternalError} for a fault on a mapped page.
 *
 * @param label  {@code folder/name}, as the user chose it
 * @param path   where it lies
 * @param stamp  the file's stamp, read before it was mapped
 */
record ModelFile(String label, Path path, FileStamp stamp) {

    /** The listed file {@code name} of a model folder, stamped now. */
    static ModelFile of(NodeEnvironment env, String folder, String name) throws IOException {
        Path path = env.modelPath(folder, name);
        return new ModelFile(folder + "/" + name, path, FileStamp.of(path));
    }

    /** Runs {@code work} on the model loaded from this file, if the file is still the one loaded. */
    <T> T use(Supplier<T> work) {
        checkUnchanged();
        try {
            return work.get();
        } catch (RuntimeException | InternalError e) {
            if (!isMappedPageFault(e)) throw e;
            throw new IllegalStateException("reading the model file " + label + " failed: it changed on disk while in use ("
                    + describeChange() + "); run the prompt again to load the file anew", e);
        }
    }

    void checkUnchanged() {
        String change = describeChange();
        if (!change.equals("unchanged")) {
            throw new IllegalStateException("the model file " + label + " changed on disk after it was loaded (" + change
                    + "); run the prompt again to load the new file");
        }
    }

    private String describeChange() {
        try {
            return stamp.differenceTo(FileStamp.of(path));
        } catch (IOException e) {
            return "it can no longer be read: " + e.getMessage();
        }
    }

    /**
     * HotSpot raises a SIGBUS on a mapped page past the end of a shrunken file as
     * {@code InternalError: a fault occurred in an unsafe memory access operation}, in the reading
     * thread (possibly a worker whose failure the caller rethrows wrapped).
     */
    private static boolean isMappedPageFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InternalError && String.valueOf(c.getMessage()).contains("unsafe memory access")) return true;
        }
        return false;
    }
}
