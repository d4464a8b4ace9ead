package org.jcomfy.nodes.video;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.image.SaveImagePath;
import org.jcomfy.nodes.output.OutputFile;
import org.jcomfy.nodes.output.OutputMetadata;
import org.jcomfy.nodes.output.SavedFile;

/**
 * The shared body of the animated-output nodes: pick the next file name, encode and add the
 * metadata into a part file that becomes the output only when complete ({@link OutputFile}),
 * report the UI entry.
 */
final class AnimatedSave {
    private AnimatedSave() {}

    /** Embeds metadata after encoding, for formats whose muxer cannot (WebP EXIF, APNG comf chunks). */
    interface MetadataWriter {
        void write(Path file, Map<String, String> metadata) throws Exception;
    }

    static NodeOutput save(Tensor frames, double fps, String prefix, VideoFormat format, ExecutionContext context,
                           MetadataWriter afterEncode) throws Exception {
        SaveImagePath where = SaveImagePath.next(prefix, context.outputDirectory(), (int) frames.dim(2), (int) frames.dim(1));
        Path file = where.folder().resolve(where.fileName(where.filename(), where.counter(), format.extension()));
        Map<String, String> metadata = OutputMetadata.of(context);
        OutputFile.write(context.outputDirectory(), file, part -> {
            VideoEncoder.encode(frames, fps, format, afterEncode == null ? metadata : Map.of(), part);
            if (afterEncode != null) afterEncode.write(part, metadata);
        });
        SavedFile saved = new SavedFile(file.getFileName().toString(), where.subfolder(), "output");
        Map<String, List<Object>> ui = new LinkedHashMap<>();
        ui.put("images", List.of(saved.toUi()));
        ui.put("animated", List.of(frames.dim(0) > 1));
        return NodeOutput.ui(ui);
    }
}
