package dev.sluice.remoting.netty;

import dev.sluice.remoting.ConnectionListener;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnectException;
import dev.sluice.remoting.RemotingException;
import dev.sluice.remoting.RemotingTimeoutException;
import dev.sluice.remoting.RequestProcessor;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public final class NettyRemotingClient implements RemotingClient {
    private final RemotingClientConfig config;
    private final Endpoint endpoint;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ConcurrentMap<String, ChannelFuture> connections = new ConcurrentHashMap<>();

    public NettyRemotingClient(RemotingClientConfig config) {
        this.config = config;
        this.endpoint = new Endpoint(config.maxFrameLength(), config.maxIdleSeconds(), false);
        Transport transport = Transport.choose(config.useEpollWhenAvailable());
        this.group = transport.newGroup(config.ioThreads(), "sluice-client-io");
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        endpoint.initChannel(channel);
                    }
                });
        SocketOptions.apply(config.socket(), bootstrap::option);
    }

    @Override
    public void registerProcessor(int requestCode, RequestProcessor processor, Executor executor) {
        endpoint.processors.register(requestCode, processor, executor);
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        endpoint.connectionEvents.addListener(listener);
    }

    /** {@code timeoutMillis} covers connecting too when no connection to the address is open yet. */
    @Override
    public CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        return connected(address).thenCompose(channel -> {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                return CompletableFuture.failedFuture(new RemotingTimeoutException("connecting to " + address
                        + " took longer than " + timeoutMillis + " ms"));
            }
            return endpoint.pendingCalls.send(channel, request, remainingMillis);
        });
    }

    @Override
    public RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException {
        return await(invokeAsync(address, request, timeoutMillis), address, timeoutMillis);
    }

    @Override
    public void invokeOneway(String address, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException {
        request.markOneway();
        CompletableFuture<Void> written = connected(address).thenCompose(channel -> {
            CompletableFuture<Void> write = new CompletableFuture<>();
            channel.writeAndFlush(request).addListener(done -> {
                if (done.isSuccess()) {
                    write.complete(null);
                } else {
                    write.completeExceptionally(new RemotingException("sending oneway request code " + request.code()
                            + " to " + address + " failed", done.cause()));
                }
            });
            return write;
        });
        await(written, address, timeoutMillis);
    }

    @Override
    public void closeConnection(String address) {
        ChannelFuture connection = connections.remove(address);
        if (connection != null) {
            connection.channel().close();
        }
    }

    @Override
    public void close() {
        connections.values().forEach(connection -> connection.channel().close());
        connections.clear();
        endpoint.pendingCalls.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Completes with the open connection to {@code address}, opening one (or replacing a dead one) if needed. */
    private CompletableFuture<Channel> connected(String address) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ChannelFuture connecting;
        try {
            connecting = connections.compute(address, (key, existing) -> {
                if (existing != null && (!existing.isDone() || existing.channel().isActive())) {
                    return existing;
                }
                int colon = address.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("address must be host:port: " + address);
                }
                return bootstrap.connect(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            });
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new RemotingConnectException("bad address " + address, e));
            return result;
        }
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                result.complete(connecting.channel());
            } else {
                connections.remove(address, connecting);
                result.completeExceptionally(new RemotingConnectException("connecting to " + address + " failed", done.cause()));
            }
        });
        return result;
    }

    private <T> T await(CompletableFuture<T> future, String address, long timeoutMillis)
            throws RemotingException, InterruptedException {
        try {
            // Calls are already bounded by their own timeout; the margin only guards against a lost completion.
            return future.get(timeoutMillis + config.connectTimeoutMillis() + 1000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RemotingException remoting) {
                throw remoting;
            }
            throw new RemotingException("call to " + address + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new RemotingTimeoutException("call to " + address + " did not complete within " + timeoutMillis + " ms");
        }
    }
}
