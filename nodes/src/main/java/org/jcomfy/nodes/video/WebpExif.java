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
 * Adds an EXIF chunk to an extended (VP8X) WebP file the way ComfyUI's SaveAnimatedWEBP does:
 * tag 0x0110 holds {@code "prompt:" + json}, tag 0x010F {@code "workflow:" + json}, further
 * keys go to 0x010E, 0x010D, ... The frontend reads these to restore a workflow from a file.
 */
final class WebpExif {
    private WebpExif() {}

    static void embed(Path webp, Map<String, String> metadata) throws Exception {
        if (metadata.isEmpty()) return;
        byte[] file = Files.readAllBytes(webp);
        if (file.length < 30 || !"RIFF".equals(ascii(file, 0)) || !"WEBP".equals(ascii(file, 8)) || !"VP8X".equals(ascii(file, 12))) {
            throw new IllegalStateException(webp + ": not an extended WebP file; cannot add EXIF");
        }
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

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
