package dev.sluice.remoting.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.SerializeType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A processor may answer later (long polling), and a body may be buffers sent without a copy, then released. */
class DeferredResponseTest {
    private static final int PARK = 2000;
    private static final int PARTS = 2001;
    private static final long TIMEOUT = 5000;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final BlockingQueue<RemotingCommand> parkedRequests = new LinkedBlockingQueue<>();
    private final BlockingQueue<RemotingConnection> parkedConnections = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private NettyRemotingServer server;
    private NettyRemotingClient client;
    private String address;

    @BeforeEach
    void start() throws Exception {
        server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1"));
        server.registerProcessor(PARK, (connection, request) -> {
            parkedRequests.add(request);
            parkedConnections.add(connection);
            return null;
        }, executor);
        server.registerProcessor(PARTS, (connection, request) -> RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                .setBodyParts(List.of(direct("hello "), direct("zero "), direct("copy")), released::countDown), executor);
        server.start();
        address = "127.0.0.1:" + server.port();
        client = new NettyRemotingClient(new RemotingClientConfig());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        executor.shutdownNow();
    }

    @Test
    void aParkedRequestIsAnsweredLaterWithItsOpaqueAndSerialization() throws Exception {
        RemotingCommand request = RemotingCommand.request(PARK);
        request.setSerializeType(SerializeType.ROCKETMQ);
        CompletableFuture<RemotingCommand> call = client.invokeAsync(address, request, TIMEOUT);
        RemotingCommand parked = parkedRequests.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        RemotingConnection connection = parkedConnections.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        assertFalse(call.isDone(), "nothing is sent while the request is parked");

        CountDownLatch deferredReleased = new CountDownLatch(1);
        server.respond(connection, RemotingCommand.responseTo(parked, ResponseCode.SUCCESS, "later")
                .setBodyParts(List.of(direct("late")), deferredReleased::countDown));
        RemotingCommand response = call.get(TIMEOUT, TimeUnit.MILLISECONDS);
        assertEquals("later", response.remark());
        assertEquals(SerializeType.ROCKETMQ, response.serializeType());
        assertArrayEquals("late".getBytes(), response.body());
        assertTrue(deferredReleased.await(TIMEOUT, TimeUnit.MILLISECONDS));
    }

    @Test
    void bodyPartsArriveConcatenatedAndAreReleasedAfterTheWrite() throws Exception {
        RemotingCommand response = client.invokeSync(address, RemotingCommand.request(PARTS), TIMEOUT);
        assertArrayEquals("hello zero copy".getBytes(), response.body());
        assertTrue(released.await(TIMEOUT, TimeUnit.MILLISECONDS), "the release ran after the write");
    }

    @Test
    void aResponseToAClosedConnectionStillReleasesItsBody() throws Exception {
        client.invokeAsync(address, RemotingCommand.request(PARK), TIMEOUT);
        RemotingCommand parked = parkedRequests.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        RemotingConnection connection = parkedConnections.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        client.closeConnection(address);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT);
        while (connection.isActive() && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertFalse(connection.isActive());
        CountDownLatch deferredReleased = new CountDownLatch(1);
        server.respond(connection, RemotingCommand.responseTo(parked, ResponseCode.SUCCESS, null)
                .setBodyParts(List.of(direct("lost")), deferredReleased::countDown));
        assertTrue(deferredReleased.await(TIMEOUT, TimeUnit.MILLISECONDS));
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes();
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
