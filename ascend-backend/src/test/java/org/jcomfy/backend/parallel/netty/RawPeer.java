package org.jcomfy.backend.parallel.netty;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain socket that speaks the frame format by hand (not through {@link FrameCodec}), so a test
 * can send what no rank would: wrong magic, versions, lengths. The layout is written out here
 * again on purpose: a mistake shared by encoder and decoder would otherwise go unseen.
 */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    RawPeer(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** The 36-byte header, big-endian, field by field. */
    void header(int magic, int version, int kind, int dtype, int ndim, long group, long sequence, int source, long length) throws IOException {
        out.writeInt(magic);
        out.writeByte(version);
        out.writeByte(kind);
        out.writeByte(dtype);
        out.writeByte(ndim);
        out.writeLong(group);
        out.writeLong(sequence);
        out.writeInt(source);
        out.writeLong(length);
    }

    void hello(int rank, int worldSize, int listenPort) throws IOException {
        header(0x4A435047, 1, 1, 0, 0, 0, 0, rank, 8);
        out.writeInt(worldSize);
        out.writeInt(listenPort);
        out.flush();
    }

    /** One frame as read off the socket, field by field. */
    record Raw(int version, int kind, int dtype, long group, long sequence, int source, long[] shape, byte[] payload) {}

    /** Reads one frame's header, shape and payload. */
    Raw read() throws IOException {
        int magic = in.readInt();
        if (magic != 0x4A435047) throw new IOException("bad magic from the rank: " + Integer.toHexString(magic));
        int version = in.readByte(), kind = in.readByte(), dtype = in.readByte(), ndim = in.readByte();
        long group = in.readLong(), sequence = in.readLong();
        int source = in.readInt();
        long length = in.readLong();
        long[] shape = new long[ndim];
        for (int i = 0; i < ndim; i++) shape[i] = in.readLong();
        return new Raw(version, kind, dtype, group, sequence, source, shape, in.readNBytes((int) length));
    }

    /** Reads one frame; returns {kind, payload as text}. */
    String[] readFrame() throws IOException {
        Raw r = read();
        return new String[] {String.valueOf(r.kind()), new String(r.payload(), StandardCharsets.UTF_8)};
    }

    /** True when the other side closes the connection within the socket's timeout (a read sees end of stream or a reset). */
    boolean closedByPeer() throws IOException {
        try {
            while (true) if (in.read() < 0) return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
