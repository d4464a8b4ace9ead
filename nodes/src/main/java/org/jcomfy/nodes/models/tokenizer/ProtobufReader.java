package org.jcomfy.nodes.models.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to read a SentencePiece {@code ModelProto}:
 * varints, 32-bit fixed values and length-delimited fields; everything else is skipped.
 * Each field is read as (field number, wire type) followed by its payload.
 */
final class ProtobufReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private int tag;

    ProtobufReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private ProtobufReader(byte[] buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) return false;
        tag = (int) readVarint();
        if (fieldNumber() == 0) throw corrupt("field number 0");
        return true;
    }

    int fieldNumber() { return tag >>> 3; }

    int wireType() { return tag & 7; }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw corrupt("truncated varint");
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) return result;
        }
        throw corrupt("varint longer than 10 bytes");
    }

    boolean readBool() { return readVarint() != 0; }

    int readInt32() { return (int) readVarint(); }

    float readFloat() {
        if (pos + 4 > end) throw corrupt("truncated fixed32");
        int bits = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    byte[] readBytes() {
        int len = readLength();
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    String readString() {
        int len = readLength();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** A reader over the embedded message that is the current field's payload. */
    ProtobufReader readMessage() {
        int len = readLength();
        ProtobufReader sub = new ProtobufReader(buf, pos, pos + len);
        pos += len;
        return sub;
    }

    /** Skips the current field's payload, whatever its wire type. */
    void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw corrupt("unsupported wire type " + wireType());
        }
    }

    private int readLength() {
        long len = readVarint();
        if (len < 0 || len > end - pos) throw corrupt("length " + len + " runs past the end of the message");
        return (int) len;
    }

    private void advance(int n) {
        if (n > end - pos) throw corrupt("truncated field");
        pos += n;
    }

    private IllegalArgumentException corrupt(String why) {
        return new IllegalArgumentException("not a valid SentencePiece model (protobuf): " + why + " at byte " + pos);
    }
}
