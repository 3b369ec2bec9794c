package dev.sluice.remoting.netty;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.protocol.CommandCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes a command into one buffer, or, when its body is given as buffers, into the header followed by those
 * buffers wrapped as they are: stored messages reach the socket through a gathering write without a copy.
 */
@ChannelHandler.Sharable
final class CommandEncoder extends MessageToMessageEncoder<RemotingCommand> {
    static final CommandEncoder INSTANCE = new CommandEncoder();

    private CommandEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RemotingCommand command, List<Object> out) throws Exception {
        List<ByteBuffer> parts = command.bodyParts();
        if (parts == null) {
            ByteBuf frame = ctx.alloc().ioBuffer();
            try {
                CommandCodec.encode(command, frame);
            } catch (Exception | Error e) { // an Error too: growing the buffer may run out of direct memory
                frame.release();
                throw e;
            }
            out.add(frame);
            return;
        }
        ByteBuf header = ctx.alloc().ioBuffer();
        try {
            CommandCodec.encodeHeader(command, header);
        } catch (Exception | Error e) {
            header.release();
            throw e;
        }
        out.add(header);
        if (!parts.isEmpty()) {
            // Duplicates, so neither the wrapper nor the socket moves the positions of the caller's buffers.
            ByteBuffer[] views = new ByteBuffer[parts.size()];
            for (int i = 0; i < views.length; i++) {
                views[i] = parts.get(i).duplicate();
            }
            out.add(Unpooled.wrappedBuffer(views));
        }
    }
}
