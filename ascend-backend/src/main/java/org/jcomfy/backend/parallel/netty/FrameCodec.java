package org.jcomfy.backend.parallel.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The wire format between ranks, version 1. Every frame is a 36-byte header, then the shape, then
 * the payload; header numbers are big-endian (network order), float32 payloads little-endian (the
 * order of every machine we run on, so encoding is a plain copy there).
 *
 * <pre>
 *  offset size  field
 *   0      4    magic "JCPG" (0x4A435047): not a jcomfy rank otherwise
 *   4      1    version (1): a rank refuses frames of a version it does not speak
 *   5      1    kind ({@link Frame.Kind} code)
 *   6      1    dtype: 0 raw bytes (control frames, split), 1 float32 (tensors)
 *   7      1    ndim, 0..8 (0 for raw bytes)
 *   8      8    group id (a hash of the group's name, the same on every member)
 *  16      8    sequence: the group's collective call number
 *  24      4    source: the sender's world rank
 *  28      8    payload length in bytes
 *  36  8*ndim   shape
 *   .   length  payload
 * </pre>
 *
 * The decoder checks the whole header before it waits for the payload, so a frame that lies about
 * its length is refused on its first 36 bytes and never makes the receiver reserve memory (it holds
 * only the bytes that have come): the length must be under the receiver's limit and, for a tensor,
 * equal the shape's element count times four.
 */
final class FrameCodec {
    static final int MAGIC = 0x4A435047;
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 36;
    static final int MAX_DIMS = 8;
    static final byte DTYPE_BYTES = 0, DTYPE_F32 = 1;
    private static final ValueLayout.OfFloat WIRE_F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FrameCodec() {}

    /** A frame refused for what its header says; the message says which field is wrong. */
    static final class BadFrameException extends RuntimeException {
        BadFrameException(String message) {
            super(message);
        }
    }

    /** A tensor frame: header, shape and a copy of the tensor's float32 elements (so the sender may free it at once). */
    static ByteBuf encode(ByteBufAllocator alloc, Frame.Kind kind, long group, long sequence, int source, Tensor tensor) {
        long[] shape = tensor.shape();
        long bytes = tensor.numel() * 4;
        if (shape.length > MAX_DIMS || HEADER_BYTES + 8L * shape.length + bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a frame carries at most " + MAX_DIMS + " dimensions and 2 GiB; " + tensor
                    + " does not fit: send it in parts");
        }
        int total = (int) (HEADER_BYTES + 8L * shape.length + bytes);
        ByteBuf buf = alloc.directBuffer(total, total);
        header(buf, kind, DTYPE_F32, shape.length, group, sequence, source, bytes);
        for (long d : shape) buf.writeLong(d);
        if (bytes > 0) {
            MemorySegment wire = MemorySegment.ofBuffer(buf.nioBuffer(buf.writerIndex(), (int) bytes));
            MemorySegment.copy(tensor.data(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, wire, WIRE_F32, 0, tensor.numel());
            buf.writerIndex(buf.writerIndex() + (int) bytes);
        }
        return buf;
    }

    /** A frame of raw bytes (control frames, a split's colour and key). */
    static ByteBuf encode(ByteBufAllocator alloc, Frame.Kind kind, long group, long sequence, int source, byte[] payload) {
        ByteBuf buf = alloc.buffer(HEADER_BYTES + payload.length);
        header(buf, kind, DTYPE_BYTES, 0, group, sequence, source, payload.length);
        buf.writeBytes(payload);
        return buf;
    }

    private static void header(ByteBuf buf, Frame.Kind kind, byte dtype, int ndim, long group, long sequence, int source, long length) {
        buf.writeInt(MAGIC).writeByte(VERSION).writeByte(kind.code).writeByte(dtype).writeByte(ndim)
                .writeLong(group).writeLong(sequence).writeInt(source).writeLong(length);
    }

    /** A tensor frame's payload as a new tensor of the calling thread's scope, copied straight from the buffers it arrived in. */
    static Tensor toTensor(Frame frame) {
        Tensor t = Tensor.zeros(DType.F32, frame.shape());
        ByteBuf p = frame.payload();
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            // The wire order is ours: a byte copy, piece by piece (a float may straddle two pieces).
            long at = 0;
            for (java.nio.ByteBuffer piece : p.nioBuffers(p.readerIndex(), p.readableBytes())) {
                MemorySegment src = MemorySegment.ofBuffer(piece);
                MemorySegment.copy(src, 0, t.data(), at, src.byteSize());
                at += src.byteSize();
            }
        } else {
            for (long i = 0, n = t.numel(); i < n; i++) t.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, p.getFloatLE(p.readerIndex() + (int) (4 * i)));
        }
        return t;
    }

    /**
     * Cuts the byte stream into frames. A bad header throws {@link BadFrameException} (Netty hands it
     * to the next handler as a decoder exception); the connection is then closed by the mesh, since
     * after a bad header nothing later on the stream can be trusted to start at a frame boundary.
     */
    static final class Decoder extends ByteToMessageDecoder {
        /** What a connection may send before it is known to be a rank: a hello, a peer table or a rejection. */
        static final long STRANGER_LIMIT = 64 << 10;
        private final long maxPayloadBytes;
        private volatile long limit = STRANGER_LIMIT;

        /** @param maxPayloadBytes the limit once {@link #trust} has been called */
        Decoder(long maxPayloadBytes) {
            // A frame is one buffer, and Netty indexes buffers with ints.
            this.maxPayloadBytes = Math.min(maxPayloadBytes, Integer.MAX_VALUE - HEADER_BYTES - 8 * MAX_DIMS);
            // Reads are kept as they came, not merged into one growing buffer: a payload is copied once, into its tensor.
            setCumulator(COMPOSITE_CUMULATOR);
        }

        /** The other end is a rank of this world: from the next frame on, payloads up to the full limit. */
        void trust() {
            limit = maxPayloadBytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            // One frame a call: Netty hands it on before the next is read, so a hello that makes the
            // sender trusted raises the limit for the frame after it, never for the one before.
            if (in.readableBytes() >= HEADER_BYTES) {
                int at = in.readerIndex();
                int magic = in.getInt(at);
                if (magic != MAGIC) throw new BadFrameException(String.format("bad magic 0x%08X (expected 0x%08X)", magic, MAGIC));
                byte version = in.getByte(at + 4);
                if (version != VERSION) {
                    throw new BadFrameException("unsupported protocol version " + version + " (this rank speaks " + VERSION + ")");
                }
                Frame.Kind kind = Frame.Kind.of(in.getByte(at + 5));
                if (kind == null) throw new BadFrameException("unknown frame kind " + in.getByte(at + 5));
                byte dtype = in.getByte(at + 6);
                int ndim = in.getByte(at + 7);
                long length = in.getLong(at + 28);
                long max = limit;
                if (length < 0 || length > max) {
                    throw new BadFrameException("payload length " + length + " outside 0.." + max + " bytes (" + kind.operation + " frame)");
                }
                if (kind.carriesTensor() ? dtype != DTYPE_F32 : dtype != DTYPE_BYTES || ndim != 0) {
                    throw new BadFrameException("a " + kind.operation + " frame with dtype " + dtype + " and " + ndim + " dimensions");
                }
                if (ndim < 0 || ndim > MAX_DIMS) throw new BadFrameException(ndim + " dimensions (at most " + MAX_DIMS + ")");
                int shapeBytes = 8 * ndim;
                if (in.readableBytes() < HEADER_BYTES + shapeBytes) return;
                long[] shape = null;
                if (kind.carriesTensor()) {
                    shape = new long[ndim];
                    for (int i = 0; i < ndim; i++) shape[i] = in.getLong(at + HEADER_BYTES + 8 * i);
                    long expected = elementBytes(shape);
                    if (expected != length) {
                        throw new BadFrameException("payload length " + length + " does not match shape " + Arrays.toString(shape)
                                + " (float32: " + (expected < 0 ? "overflow" : expected + " bytes") + ")");
                    }
                }
                long frameBytes = HEADER_BYTES + shapeBytes + length;
                if (in.readableBytes() < frameBytes) return;   // the rest is still on its way; it is kept only as it comes
                long group = in.getLong(at + 8), sequence = in.getLong(at + 16);
                int source = in.getInt(at + 24);
                in.skipBytes(HEADER_BYTES + shapeBytes);
                out.add(new Frame(kind, group, sequence, source, shape, in.readRetainedSlice((int) length)));
            }
        }

        /** Bytes of a float32 tensor of this shape, or -1 when a dimension is negative or the count overflows. */
        private static long elementBytes(long[] shape) {
            long n = 4;
            for (long d : shape) {
                if (d < 0) return -1;
                try {
                    n = Math.multiplyExact(n, d);
                } catch (ArithmeticException e) {
                    return -1;
                }
            }
            return n;
        }
    }
}
