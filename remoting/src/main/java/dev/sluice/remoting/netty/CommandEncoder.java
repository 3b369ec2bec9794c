package dev.sluice.remoting.netty;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.protocol.CommandCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

@ChannelHandler.Sharable
final class CommandEncoder extends MessageToByteEncoder<RemotingCommand> {
    static final CommandEncoder INSTANCE = new CommandEncoder();

    private CommandEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RemotingCommand command, ByteBuf out) throws Exception {
        CommandCodec.encode(command, out);
    }
}
