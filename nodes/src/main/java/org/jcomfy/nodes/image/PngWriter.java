package org.jcomfy.nodes.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes a PNG with text chunks, as PIL's {@code PngInfo.add_text}: Latin-1 text goes into
 * {@code tEXt}, anything else into an uncompressed {@code iTXt}. The frontend reads the
 * {@code workflow} and {@code prompt} chunks back when a PNG is dropped on the canvas.
 */
public final class PngWriter {
    private static final String FORMAT = "javax_imageio_png_1.0";

    private PngWriter() {}

    /** {@code compressLevel} is zlib's 0..9 (ComfyUI uses 4 for outputs, 1 for previews). */
    public static void write(BufferedImage image, Map<String, String> texts, int compressLevel, Path file) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            // The JDK's PNG writer uses deflate level 9 - round(9 * quality).
            param.setCompressionQuality(Math.clamp((9 - compressLevel) / 9f, 0f, 1f));
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            if (!texts.isEmpty()) metadata.mergeTree(FORMAT, textTree(texts));
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode textTree(Map<String, String> texts) {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        IIOMetadataNode itext = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            if (isLatin1(e.getValue())) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("value", e.getValue());
                text.appendChild(entry);
            } else {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", e.getValue());
                itext.appendChild(entry);
            }
        }
        if (text.getLength() > 0) root.appendChild(text);
        if (itext.getLength() > 0) root.appendChild(itext);
        return root;
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0xff) return false;
        return true;
    }
}
