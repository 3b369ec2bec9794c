package dev.sluice.remoting.netty;

import dev.sluice.remoting.SocketSettings;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

/** Puts {@link SocketSettings} on a bootstrap: a client's options, or a server's options for accepted channels. */
final class SocketOptions {
    /** A bootstrap's option method ({@code Bootstrap::option}, {@code ServerBootstrap::childOption}). */
    interface Setter {
        <T> void set(ChannelOption<T> option, T value);
    }

    private SocketOptions() {
    }

    /** Only what is set: an unset size or mark leaves the system's or Netty's default, as RocketMQ leaves it. */
    static void apply(SocketSettings socket, Setter setter) {
        if (socket.sndBufSize() > 0) {
            setter.set(ChannelOption.SO_SNDBUF, socket.sndBufSize());
        }
        if (socket.rcvBufSize() > 0) {
            setter.set(ChannelOption.SO_RCVBUF, socket.rcvBufSize());
        }
        if (socket.writeBufferLowWaterMark() > 0 && socket.writeBufferHighWaterMark() > 0) {
            setter.set(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(socket.writeBufferLowWaterMark(), socket.writeBufferHighWaterMark()));
        }
        if (socket.pooledAllocator()) {
            setter.set(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        }
    }
}
