package org.jcomfy.nodes.video;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Adds ComfyUI's private {@code comf} chunks ({@code key\0json}) to an (A)PNG file, after the
 * image data and before IEND, as SaveAnimatedPNG does.
 */
final class PngChunks {
    private PngChunks() {}

    static void embedComf(Path png, Map<String, String> metadata) throws Exception {
        if (metadata.isEmpty()) return;
        byte[] file = Files.readAllBytes(png);
        int iend = findChunk(file, "IEND");
        if (iend < 0) throw new IllegalStateException(png + ": no IEND chunk; not a PNG file");
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 1024);
        out.write(file, 0, iend);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[key.length + 1 + value.length];
            System.arraycopy(key, 0, body, 0, key.length);
            System.arraycopy(value, 0, body, key.length + 1, value.length);
            writeChunk(out, "comf", body);
        }
        out.write(file, iend, file.length - iend);
        Files.write(png, out.toByteArray());
    }

    static void writeChunk(ByteArrayOutputStream out, String type, byte[] body) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
        out.writeBytes(t);
        out.writeBytes(body);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Offset of the first chunk of the given type, or -1. */
    static int findChunk(byte[] png, String type) {
        int pos = 8;
        while (pos + 8 <= png.length) {
            int len = ByteBuffer.wrap(png, pos, 4).getInt();
            String t = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
            if (t.equals(type)) return pos;
            pos += 12 + len;
        }
        return -1;
    }
}
