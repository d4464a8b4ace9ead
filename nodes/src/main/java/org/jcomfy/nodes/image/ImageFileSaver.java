package org.jcomfy.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.output.OutputFile;
import org.jcomfy.nodes.output.OutputMetadata;
import org.jcomfy.nodes.output.SavedFile;

/**
 * What SaveImage and PreviewImage share: one PNG per batch item named
 * {@code <prefix>_<counter:05>_.png}, with the prompt and extra_pnginfo entries as JSON text chunks,
 * and the UI entries {@code {"filename","subfolder","type"}} that point {@code /view} at them. Each
 * file is written whole or not at all ({@link OutputFile}); if one of the batch fails, the ones
 * already written are removed too.
 */
final class ImageFileSaver {
    private ImageFileSaver() {}

    static List<Object> save(Tensor images, String prefix, Path folder, String type, int compressLevel,
                             JsonNode prompt, JsonNode extraPngInfo) throws Exception {
        int[] bhw = ImageTensors.batchHeightWidth(images);
        SaveImagePath path = SaveImagePath.next(prefix, folder, bhw[2], bhw[1]);
        Map<String, String> texts = OutputMetadata.of(prompt, extraPngInfo);
        List<Object> results = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        int counter = path.counter();
        try {
            for (int b = 0; b < bhw[0]; b++) {
                BufferedImage picture = ImageTensors.toBufferedImage(images, b);
                String name = path.filename().replace("%batch_num%", Integer.toString(b));
                String file = path.fileName(name, counter, "png");
                Path target = path.folder().resolve(file);
                OutputFile.write(folder, target, part -> PngWriter.write(picture, texts, compressLevel, part));
                written.add(target);
                results.add(new SavedFile(file, path.subfolder(), type).toUi());
                counter++;
            }
        } catch (Exception e) {
            // A failed node reports no files, so none of the batch stays behind.
            for (Path done : written) Files.deleteIfExists(done);
            throw e;
        }
        return results;
    }
}
