package dev.sluice.remoting.netty;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.protocol.CommandCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** A plain blocking socket speaking raw bytes, to send what a well-behaved client never would. */
final class RawConnection implements AutoCloseable {
    /** What the server did after bytes were sent. */
    enum Outcome { ANSWERED, CLOSED, SILENT }

    private final Socket socket;
    private final DataInputStream in;

    RawConnection(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(readTimeoutMillis);
        in = new DataInputStream(socket.getInputStream());
    }

    void send(byte[] bytes) throws IOException {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (SocketException e) {
            // The server may already have closed the connection on the first bad bytes; that is observed by read().
        }
    }

    static byte[] encode(RemotingCommand command) throws Exception {
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(command, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** Reads one frame; null if the server closed the connection; throws SocketTimeoutException if it stayed silent. */
    RemotingCommand readFrame() throws Exception {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException | SocketException e) {
            return null;
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return CommandCodec.decode(Unpooled.wrappedBuffer(frame));
    }

    /** Waits at most the read timeout for the server to answer or close. */
    Outcome awaitOutcome() throws Exception {
        try {
            return readFrame() == null ? Outcome.CLOSED : Outcome.ANSWERED;
        } catch (SocketTimeoutException e) {
            return Outcome.SILENT;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
