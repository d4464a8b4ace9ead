package org.jcomfy.nodes.models.tokenizer;

/** UTF-8 character lengths, as SentencePiece's {@code string_util} computes them. */
final class Utf8 {
    private Utf8() {}

    /**
     * Length in bytes of the character starting at {@code pos} judged by its lead byte alone
     * (SentencePiece's {@code OneCharLen}): 1 for ASCII and stray continuation bytes.
     */
    static int leadByteLength(byte lead) {
        int hi = (lead & 0xff) >>> 4;
        if (hi < 12) return 1;
        if (hi < 14) return 2;
        return hi == 14 ? 3 : 4;
    }

    /**
     * Length of the well-formed character at {@code pos}, or 0 if the bytes there are not
     * valid UTF-8 (bad continuation, overlong form, surrogate, beyond U+10FFFF, truncated).
     */
    static int validCharLength(byte[] b, int pos) {
        int c = b[pos] & 0xff;
        if (c < 0x80) return 1;
        int len;
        int cp;
        if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
        else return 0;
        if (pos + len > b.length) return 0;
        for (int i = 1; i < len; i++) {
            int cc = b[pos + i] & 0xff;
            if ((cc & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff) return 0;
        if (cp >= 0xd800 && cp <= 0xdfff) return 0;
        return len;
    }
}
