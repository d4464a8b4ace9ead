package org.jcomfy.server.routes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import javax.imageio.stream.MemoryCacheImageInputStream;
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

    /**
     * The most pixels decoded for a preview, a channel or a mask: 64 Mpx (8192x8192) is 256 MB as
     * ARGB ints. The header's size is checked before decoding, so a small file that claims
     * 40000x40000 pixels is refused instead of exhausting the heap.
     */
    static final long MAX_PIXELS = 1L << 26;

    static BufferedImage read(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in, "'" + file.getFileName() + "'");
        }
    }

    static BufferedImage read(byte[] bytes, String what) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, what);
        }
    }

    /** A decoded image, or a 400 when the bytes are no image ImageIO can read, are cut short, or are too large. */
    private static BufferedImage decode(ImageInputStream in, String what) {
        Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
        if (readers == null || !readers.hasNext()) throw undecodable(what, "not a PNG, JPEG, BMP, GIF or TIFF image");
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, true, true);
            long width = reader.getWidth(0), height = reader.getHeight(0);
            if (width * height > MAX_PIXELS) {
                throw ApiError.badRequest("image_too_large", what + " is " + width + "x" + height + " pixels; at most "
                        + MAX_PIXELS + " pixels are decoded.");
            }
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiError a) throw a;
            // Corrupt data surfaces from the decoders as IIOException or as their own runtime exceptions.
            throw undecodable(what, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            reader.dispose();
        }
    }

    private static ApiError undecodable(String what, String why) {
        return ApiError.badRequest("invalid_image", "Cannot decode " + what + " as an image: " + why + ".");
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
