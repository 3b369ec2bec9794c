package dev.sluice.remoting.protocol;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.SerializeType;
import io.netty.buffer.ByteBuf;

/**
 * Frame layout: int length (= 4 + header + body, not counting itself), then one int holding the serialize
 * type in its top byte and the header length in the low 24 bits, the header, and the body.
 */
public final class CommandCodec {
    /** Bytes of the length prefix, stripped by the frame decoder before {@link #decode} sees the frame. */
    public static final int LENGTH_FIELD_SIZE = 4;

    private static final int MAX_HEADER_LENGTH = 0xFFFFFF;

    private CommandCodec() {
    }

    public static void encode(RemotingCommand command, ByteBuf out) throws FrameFormatException {
        encodeHeader(command, out);
        byte[] body = command.body();
        if (body != null) {
            out.writeBytes(body);
        }
    }

    /**
     * Writes everything before the body: the length prefix (counting the whole body, in whichever form it is), the
     * type and header length, and the header. The caller sends the body after it.
     */
    public static void encodeHeader(RemotingCommand command, ByteBuf out) throws FrameFormatException {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeInt(0);
        if (command.serializeType() == SerializeType.ROCKETMQ) {
            out.writeBytes(BinaryHeader.encode(command));
        } else {
            JsonHeader.encode(command, out);
        }
        int headerLength = out.writerIndex() - start - 8;
        if (headerLength > MAX_HEADER_LENGTH) {
            out.writerIndex(start);
            throw new FrameFormatException("header of " + headerLength + " bytes does not fit the 24-bit length field");
        }
        out.setInt(start, 4 + headerLength + command.bodyLength());
        out.setInt(start + 4, (command.serializeType().code() << 24) | headerLength);
    }

    /** Decodes one frame whose length prefix has already been removed; consumes the whole buffer. */
    public static RemotingCommand decode(ByteBuf frame) throws FrameFormatException {
        int frameLength = frame.readableBytes();
        if (frameLength < 4) {
            throw new FrameFormatException("frame of " + frameLength + " bytes has no header length field");
        }
        int mark = frame.readInt();
        int typeCode = (mark >>> 24) & 0xFF;
        int headerLength = mark & MAX_HEADER_LENGTH;
        if (headerLength > frame.readableBytes()) {
            throw new FrameFormatException("header length " + headerLength + " exceeds the frame's remaining "
                    + frame.readableBytes() + " bytes");
        }
        SerializeType type;
        try {
            type = SerializeType.ofCode(typeCode);
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException("unknown serialize type " + typeCode);
        }
        byte[] header = new byte[headerLength];
        frame.readBytes(header);
        RemotingCommand command = type == SerializeType.ROCKETMQ ? BinaryHeader.decode(header) : JsonHeader.decode(header);
        command.setSerializeType(type);
        if (frame.isReadable()) {
            byte[] body = new byte[frame.readableBytes()];
            frame.readBytes(body);
            command.setBody(body);
        }
        return command;
    }
}
