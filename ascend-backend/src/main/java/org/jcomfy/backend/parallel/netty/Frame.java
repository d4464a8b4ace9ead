package org.jcomfy.backend.parallel.netty;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * One message between two ranks, as {@link FrameCodec} reads it off the wire: what it is for
 * ({@link Kind}), the group and call it belongs to, who sent it, and its payload. A tensor frame
 * carries a shape and float32 payload; a control frame carries bytes and no shape. The frame owns a
 * reference to its payload buffer: whoever consumes it calls {@link #release}.
 */
record Frame(Kind kind, long group, long sequence, int source, long[] shape, ByteBuf payload) {

    /** What a frame is for; the code is the byte on the wire. */
    enum Kind {
        // Connection set-up and teardown.
        HELLO(1, "hello"), PEERS(2, "peer table"), REJECT(3, "rejection"), FAIL(4, "failure"), BYE(5, "goodbye"),
        // One per collective, so ranks that called different ones notice instead of mixing their data.
        ALL_TO_ALL(16, "allToAll"), ALL_GATHER(17, "allGather"), ALL_REDUCE_SUM(18, "allReduce SUM"),
        ALL_REDUCE_MAX(19, "allReduce MAX"), BROADCAST(20, "broadcast"), BARRIER(21, "barrier"), SPLIT(22, "split"),
        // Point to point: ordered per (group, sender), outside the collectives' numbering.
        MESSAGE(32, "send");

        final byte code;
        final String operation;

        Kind(int code, String operation) {
            this.code = (byte) code;
            this.operation = operation;
        }

        /** The kind with this wire code, or null. */
        static Kind of(byte code) {
            for (Kind k : values()) if (k.code == code) return k;
            return null;
        }

        boolean carriesTensor() {
            return code >= 16 && this != BARRIER && this != SPLIT;
        }
    }

    /** The payload as text (REJECT and FAIL frames). */
    String text() {
        return payload.toString(payload.readerIndex(), payload.readableBytes(), StandardCharsets.UTF_8);
    }

    void release() {
        payload.release();
    }
}
