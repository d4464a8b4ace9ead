package org.jcomfy.server.routes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Python's {@code urllib.parse.unquote}: {@code %XX} escapes become UTF-8 bytes; '+' stays '+'; bad escapes stay as written. */
final class PercentDecoding {
    private PercentDecoding() {}

    static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
