package dev.sluice.remoting.netty;

import dev.sluice.remoting.protocol.CommandCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the stream at the 4-byte length prefix and decodes each frame. A length beyond the limit, a negative
 * one, or a frame that is not a command raises a decoder exception, and the connection is closed by
 * {@link ConnectionEvents}; other connections are unaffected.
 */
final class CommandDecoder extends LengthFieldBasedFrameDecoder {
    /** Once the stream broke, what follows is not framed either: it is dropped, not read for more errors. */
    private boolean broken;

    CommandDecoder(int maxFrameLength) {
        // The limit applies to the length field's value; Netty compares it with the prefix included.
        super(maxFrameLength + CommandCodec.LENGTH_FIELD_SIZE, 0, CommandCodec.LENGTH_FIELD_SIZE, 0,
                CommandCodec.LENGTH_FIELD_SIZE, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            ByteBuf frame = (ByteBuf) super.decode(ctx, in);
            if (frame == null) {
                return null;
            }
            try {
                return CommandCodec.decode(frame);
            } finally {
                frame.release();
            }
        } catch (Exception e) {
            broken = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
