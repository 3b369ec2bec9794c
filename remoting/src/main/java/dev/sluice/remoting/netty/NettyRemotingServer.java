package dev.sluice.remoting.netty;

import dev.sluice.remoting.ConnectionListener;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestProcessor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class NettyRemotingServer implements RemotingServer {
    private static final Logger LOG = LoggerFactory.getLogger(NettyRemotingServer.class);

    private final RemotingServerConfig config;
    private final Endpoint endpoint;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public NettyRemotingServer(RemotingServerConfig config) {
        this.config = config;
        this.endpoint = new Endpoint(config.maxFrameLength(), config.maxIdleSeconds(), true);
    }

    @Override
    public void registerProcessor(int requestCode, RequestProcessor processor, Executor executor) {
        endpoint.processors.register(requestCode, processor, executor);
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        endpoint.connectionEvents.addListener(listener);
    }

    @Override
    public synchronized void start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        Transport transport = Transport.choose(config.useEpollWhenAvailable());
        acceptor = transport.newGroup(1, "sluice-accept");
        workers = transport.newGroup(config.ioThreads(), "sluice-server-io");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, config.socketBacklog())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        endpoint.initChannel(channel);
                    }
                });
        SocketOptions.apply(config.socket(), bootstrap::childOption);
        try {
            serverChannel = bootstrap.bind(config.bindAddress(), config.listenPort()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutdownGroups();
            throw e;
        } catch (Exception e) {
            shutdownGroups();
            // a BindException says only "Address already in use": name the port (listenPort, or the VIP port below it)
            throw new IllegalStateException("cannot listen on port " + config.listenPort() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("remoting server listening on {} ({} transport)", NettyConnection.format(serverChannel.localAddress()),
                transport);
    }

    @Override
    public int port() {
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public CompletableFuture<RemotingCommand> invokeAsync(RemotingConnection connection, RemotingCommand request,
            long timeoutMillis) {
        return endpoint.pendingCalls.send(NettyConnection.channelOf(connection), request, timeoutMillis);
    }

    @Override
    public void invokeOneway(RemotingConnection connection, RemotingCommand request) {
        request.markOneway();
        NettyConnection.channelOf(connection).writeAndFlush(request);
    }

    @Override
    public void respond(RemotingConnection connection, RemotingCommand response) {
        endpoint.processors.write(NettyConnection.channelOf(connection), response);
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        endpoint.pendingCalls.close();
        shutdownGroups();
    }

    private void shutdownGroups() {
        for (EventLoopGroup group : new EventLoopGroup[] {acceptor, workers}) {
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }
}
