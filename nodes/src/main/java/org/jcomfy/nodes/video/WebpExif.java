package org.jcomfy.nodes.video;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Adds an EXIF chunk to a WebP file the way ComfyUI's SaveAnimatedWEBP does (a simple file is
 * first made an extended one, with a {@code VP8X} chunk):
 * tag 0x0110 holds {@code "prompt:" + json}, tag 0x010F {@code "workflow:" + json}, further
 * keys go to 0x010E, 0x010D, ... The frontend reads these to restore a workflow from a file.
 */
final class WebpExif {
    private WebpExif() {}

    static void embed(Path webp, Map<String, String> metadata) throws Exception {
        if (metadata.isEmpty()) return;
        byte[] file = Files.readAllBytes(webp);
        if (file.length < 30 || !"RIFF".equals(ascii(file, 0)) || !"WEBP".equals(ascii(file, 8))) {
            throw new IllegalStateException(webp + ": not a WebP file; cannot add EXIF");
        }
        if (!"VP8X".equals(ascii(file, 12))) file = extended(webp, file);
        byte[] tiff = tiff(metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + tiff.length + 16);
        out.write(file, 0, file.length);
        out.write("EXIF".getBytes(StandardCharsets.US_ASCII));
        out.write(le32(tiff.length));
        out.write(tiff);
        if (tiff.length % 2 == 1) out.write(0);
        byte[] result = out.toByteArray();
        ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).putInt(4, result.length - 8);
        result[20] |= 0x08; // VP8X flags: EXIF present
        Files.write(webp, result);
    }

    /**
     * A simple WebP (one {@code VP8 } or {@code VP8L} chunk) as an extended one: a {@code VP8X}
     * chunk with the canvas size (and the alpha hint of a lossless bitstream) before the
     * bitstream. libwebp's animation encoder writes a single frame as a simple still image, which
     * has no place for EXIF; PIL, and so ComfyUI, save such a one-frame "animation" as this
     * extended still image.
     */
    static byte[] extended(Path webp, byte[] file) {
        String kind = ascii(file, 12);
        int width, height;
        boolean alpha;
        if ("VP8L".equals(kind) && (file[20] & 0xff) == 0x2f) {
            // 14 bits width-1, 14 bits height-1, 1 bit alpha_is_used (little-endian bit order)
            int bits = ByteBuffer.wrap(file, 21, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            width = (bits & 0x3fff) + 1;
            height = ((bits >>> 14) & 0x3fff) + 1;
            alpha = ((bits >>> 28) & 1) == 1;
        } else if ("VP8 ".equals(kind) && (file[23] & 0xff) == 0x9d && (file[24] & 0xff) == 0x01 && (file[25] & 0xff) == 0x2a) {
            // after the 3-byte frame tag and the start code: 14 bits width, 14 bits height (2 scale bits each)
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            width = b.getShort(26) & 0x3fff;
            height = b.getShort(28) & 0x3fff;
            alpha = false;
        } else {
            throw new IllegalStateException(webp + ": unexpected WebP chunk '" + kind + "'; cannot add EXIF");
        }
        ByteBuffer vp8x = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        vp8x.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10);
        vp8x.put((byte) (alpha ? 0x10 : 0)).put(new byte[3]);
        vp8x.put(le24(width - 1)).put(le24(height - 1));
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 18);
        out.write(file, 0, 12);
        out.writeBytes(vp8x.array());
        out.write(file, 12, file.length - 12);
        byte[] result = out.toByteArray();
        ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).putInt(4, result.length - 8);
        return result;
    }

    /** A little-endian TIFF block with one IFD of ASCII entries. */
    private static byte[] tiff(Map<String, String> metadata) {
        List<Map.Entry<String, String>> entries = List.copyOf(metadata.entrySet());
        int count = entries.size();
        int ifdSize = 2 + 12 * count + 4;
        int dataOffset = 8 + ifdSize;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer ifd = ByteBuffer.allocate(ifdSize).order(ByteOrder.LITTLE_ENDIAN);
        ifd.putShort((short) count);
        // ComfyUI numbers the tags downwards from 0x0110, prompt first.
        int tag = 0x0110;
        for (Map.Entry<String, String> e : entries) {
            byte[] text = (e.getKey() + ":" + e.getValue() + "\0").getBytes(StandardCharsets.UTF_8);
            ifd.putShort((short) tag--);
            ifd.putShort((short) 2); // ASCII
            ifd.putInt(text.length);
            if (text.length <= 4) {
                byte[] inline = new byte[4];
                System.arraycopy(text, 0, inline, 0, text.length);
                ifd.put(inline);
            } else {
                ifd.putInt(dataOffset + data.size());
                data.writeBytes(text);
                if (data.size() % 2 == 1) data.write(0);
            }
        }
        ifd.putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
        out.writeBytes(ifd.array());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    private static String ascii(byte[] b, int off) {
        return new String(b, off, 4, StandardCharsets.US_ASCII);
    }

    private static byte[] le24(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16)};
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
