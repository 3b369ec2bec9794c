package dev.sluice.remoting.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.ResponseCode;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RocketMQ's socket keys (server*SocketSndBufSize / RcvBufSize, writeBuffer*WaterMark, the pooled allocator) reach
 * both ends of a connection: the server's side as seen by a processor, the client's as seen by a processor of the
 * client that the server calls back over the same connection.
 */
class SocketSettingsTest {
    private static final int SERVER_SIDE = 1100;
    private static final int CLIENT_SIDE = 1101;

    @Test
    void bothEndsTakeTheirConfiguredSocketSettings() throws Exception {
        CompletableFuture<Channel> serverChannel = new CompletableFuture<>();
        CompletableFuture<Channel> clientChannel = new CompletableFuture<>();
        RemotingServerConfig serverConfig = new RemotingServerConfig().bindAddress("127.0.0.1");
        serverConfig.socket().sndBufSize(40_000).rcvBufSize(50_000).writeBufferWaterMark(8192, 16384).pooledAllocator(true);
        RemotingClientConfig clientConfig = new RemotingClientConfig();
        clientConfig.socket().sndBufSize(60_000).rcvBufSize(70_000).writeBufferWaterMark(4096, 12288).pooledAllocator(true);
        NettyRemotingServer server = new NettyRemotingServer(serverConfig);
        NettyRemotingClient client = new NettyRemotingClient(clientConfig);
        try {
            server.registerProcessor(SERVER_SIDE, (connection, request) -> {
                Channel channel = NettyConnection.channelOf(connection);
                serverChannel.complete(channel);
                server.invokeAsync(connection, RemotingCommand.request(CLIENT_SIDE), 5000);
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
            }, Runnable::run);
            client.registerProcessor(CLIENT_SIDE, (connection, request) -> {
                clientChannel.complete(NettyConnection.channelOf(connection));
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
            }, Runnable::run);
            server.start();
            RemotingCommand response = client.invokeAsync("127.0.0.1:" + server.port(),
                    RemotingCommand.request(SERVER_SIDE), 5000).get(10, TimeUnit.SECONDS);
            assertEquals(ResponseCode.SUCCESS, response.code());

            assertSettings(serverChannel.get(10, TimeUnit.SECONDS), 40_000, 50_000, new WriteBufferWaterMark(8192, 16384));
            assertSettings(clientChannel.get(10, TimeUnit.SECONDS), 60_000, 70_000, new WriteBufferWaterMark(4096, 12288));
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void withoutTheKeysTheSystemDefaultsStay() throws Exception {
        CompletableFuture<Channel> serverChannel = new CompletableFuture<>();
        NettyRemotingServer server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1"));
        NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig());
        try {
            server.registerProcessor(SERVER_SIDE, (connection, request) -> {
                serverChannel.complete(NettyConnection.channelOf(connection));
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
            }, Runnable::run);
            server.start();
            client.invokeAsync("127.0.0.1:" + server.port(), RemotingCommand.request(SERVER_SIDE), 5000)
                    .get(10, TimeUnit.SECONDS);
            Channel channel = serverChannel.get(10, TimeUnit.SECONDS);
            assertEquals(WriteBufferWaterMark.DEFAULT.low(), channel.config().getWriteBufferWaterMark().low());
            assertEquals(WriteBufferWaterMark.DEFAULT.high(), channel.config().getWriteBufferWaterMark().high());
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void aLowWaterMarkAboveTheHighOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RemotingServerConfig().socket().writeBufferWaterMark(20_000, 10_000));
        assertTrue(e.getMessage().contains("20000 exceeds the high one 10000"), e.getMessage());
        // Either one 0 means Netty's defaults, so no order applies.
        new RemotingClientConfig().socket().writeBufferWaterMark(20_000, 0);
    }

    /** Linux doubles a buffer size set with setsockopt and reports the doubled value. */
    private static void assertSettings(Channel channel, int sndBuf, int rcvBuf, WriteBufferWaterMark marks) {
        int snd = channel.config().getOption(ChannelOption.SO_SNDBUF);
        int rcv = channel.config().getOption(ChannelOption.SO_RCVBUF);
        assertTrue(snd == sndBuf || snd == 2 * sndBuf, "SO_SNDBUF " + snd + " for " + sndBuf);
        assertTrue(rcv == rcvBuf || rcv == 2 * rcvBuf, "SO_RCVBUF " + rcv + " for " + rcvBuf);
        assertEquals(marks.low(), channel.config().getWriteBufferWaterMark().low());
        assertEquals(marks.high(), channel.config().getWriteBufferWaterMark().high());
        assertSame(PooledByteBufAllocator.DEFAULT, channel.config().getAllocator());
    }
}
