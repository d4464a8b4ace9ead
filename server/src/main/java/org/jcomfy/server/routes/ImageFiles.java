package org.jcomfy.server.routes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.jcomfy.server.http.ApiError;
import org.w3c.dom.Node;

/**
 * Image decoding and encoding for {@code /view} and {@code /upload/mask}, with the JDK's ImageIO
 * (PNG, JPEG, BMP, GIF, TIFF). PNG text chunks (where ComfyUI keeps the prompt and workflow)
 * can be read from one file and written into another.
 */
final class ImageFiles {
    private static final String PNG_FORMAT = "javax_imageio_png_1.0";

    private ImageFiles() {}

    /** A decoded image, or 400 when the bytes are not an image ImageIO can read. */
    static BufferedImage read(InputStream in, String what) throws IOException {
        BufferedImage img = ImageIO.read(in);
        if (img == null) throw ApiError.badRequest("invalid_image", "Cannot decode " + what + " as an image (PNG, JPEG, BMP, GIF or TIFF).");
        return img;
    }

    static BufferedImage read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, "'" + file.getFileName() + "'");
        }
    }

    static BufferedImage read(byte[] bytes, String what) throws IOException {
        return read(new ByteArrayInputStream(bytes), what);
    }

    /** A copy with 8-bit RGBA pixels. */
    static BufferedImage toRgba(BufferedImage src) {
        int w = src.getWidth(), h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        out.setRGB(0, 0, w, h, src.getRGB(0, 0, w, h, null, 0, w), 0, w); // pixel copy: keeps colour under alpha 0
        return out;
    }

    /** A copy with 8-bit RGB pixels (alpha dropped, colours kept as stored). */
    static BufferedImage toRgb(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) out.setRGB(x, y, src.getRGB(x, y) & 0xffffff);
        }
        return out;
    }

    static byte[] png(BufferedImage img) throws IOException {
        return png(img, Map.of());
    }

    /** PNG bytes with {@code text} written as tEXt chunks. */
    static byte[] png(BufferedImage img, Map<String, String> text) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
            if (!text.isEmpty()) {
                IIOMetadataNode tEXt = new IIOMetadataNode("tEXt");
                for (Map.Entry<String, String> e : text.entrySet()) {
                    IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                    entry.setAttribute("keyword", e.getKey());
                    entry.setAttribute("value", e.getValue());
                    tEXt.appendChild(entry);
                }
                IIOMetadataNode root = new IIOMetadataNode(PNG_FORMAT);
                root.appendChild(tEXt);
                meta.mergeTree(PNG_FORMAT, root);
            }
            writer.write(new IIOImage(img, null, meta));
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage img, int quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(Math.max(0, Math.min(100, quality)) / 100f);
            writer.write(null, new IIOImage(toRgb(img), null, null), p);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The tEXt/iTXt/zTXt entries of a PNG file (empty for other formats). */
    static Map<String, String> pngText(Path file) throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return text;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                IIOMetadata meta = reader.getImageMetadata(0);
                if (meta == null || !java.util.Arrays.asList(meta.getMetadataFormatNames()).contains(PNG_FORMAT)) return text;
                Node root = meta.getAsTree(PNG_FORMAT);
                for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
                    String kind = chunk.getNodeName();
                    if (!kind.equals("tEXt") && !kind.equals("iTXt") && !kind.equals("zTXt")) continue;
                    for (Node e = chunk.getFirstChild(); e != null; e = e.getNextSibling()) {
                        var attrs = e.getAttributes();
                        String key = attrs.getNamedItem("keyword").getNodeValue();
                        Node value = attrs.getNamedItem(kind.equals("iTXt") ? "text" : kind.equals("zTXt") ? "text" : "value");
                        if (value != null) text.put(key, value.getNodeValue());
                    }
                }
            } finally {
                reader.dispose();
            }
        }
        return text;
    }
}
