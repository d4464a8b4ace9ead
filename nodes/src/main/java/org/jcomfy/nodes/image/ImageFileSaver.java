package org.jcomfy.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.jcomfy.nodes.output.OutputMetadata;
import org.jcomfy.nodes.output.SavedFile;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;

/**
 * What SaveImage and PreviewImage share: one PNG per batch item named
 * {@code <prefix>_<counter:05>_.png}, with the prompt and extra_pnginfo entries as JSON text chunks,
 * and the UI entries {@code {"filename","subfolder","type"}} that point {@code /view} at them.
 */
final class ImageFileSaver {
    private ImageFileSaver() {}

    static List<Object> save(Tensor images, String prefix, Path folder, String type, int compressLevel,
                             JsonNode prompt, JsonNode extraPngInfo) throws IOException {
        int[] bhw = ImageTensors.batchHeightWidth(images);
        SaveImagePath path = SaveImagePath.next(prefix, folder, bhw[2], bhw[1]);
        Map<String, String> texts = OutputMetadata.of(prompt, extraPngInfo);
        List<Object> results = new ArrayList<>();
        int counter = path.counter();
        for (int b = 0; b < bhw[0]; b++) {
            BufferedImage picture = ImageTensors.toBufferedImage(images, b);
            String name = path.filename().replace("%batch_num%", Integer.toString(b));
            String file = path.fileName(name, counter, "png");
            PngWriter.write(picture, texts, compressLevel, path.folder().resolve(file));
            results.add(new SavedFile(file, path.subfolder(), type).toUi());
            counter++;
        }
        return results;
    }
}
