package dev.sluice.remoting.netty;

import dev.sluice.remoting.RemotingConnection;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The one {@link RemotingConnection} of a channel, kept on the channel so every event sees the same object. */
final class NettyConnection implements RemotingConnection {
    private static final AttributeKey<NettyConnection> KEY = AttributeKey.valueOf(NettyConnection.class, "connection");

    private final Channel channel;
    private final String remoteAddress;
    private final InetSocketAddress remoteSocketAddress;

    private NettyConnection(Channel channel) {
        this.channel = channel;
        SocketAddress remote = channel.remoteAddress();
        this.remoteAddress = format(remote);
        this.remoteSocketAddress = remote instanceof InetSocketAddress inet && inet.getAddress() != null ? inet : null;
    }

    static NettyConnection of(Channel channel) {
        NettyConnection existing = channel.attr(KEY).get();
        if (existing != null) {
            return existing;
        }
        NettyConnection created = new NettyConnection(channel);
        existing = channel.attr(KEY).setIfAbsent(created);
        return existing == null ? created : existing;
    }

    static Channel channelOf(RemotingConnection connection) {
        if (connection instanceof NettyConnection netty) {
            return netty.channel;
        }
        throw new IllegalArgumentException("not a connection of this server: " + connection);
    }

    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress remoteSocketAddress() {
        return remoteSocketAddress;
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "connection to " + remoteAddress;
    }
}
