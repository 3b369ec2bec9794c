package dev.sluice.remoting.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnectException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RemotingTimeoutException;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.SerializeType;
import dev.sluice.testing.CapturedLog;
import dev.sluice.testing.Deadline;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemotingServerClientTest {
    private static final int ECHO = 1000;
    private static final int FAIL = 1001;
    private static final int INVALID = 1002;
    private static final int SLOW = 1003;
    private static final int ONEWAY = 1004;
    private static final int BIG = 1005;
    private static final int FULL = 1006;
    private static final long TIMEOUT = 5000;

    private final ExecutorService echoExecutor = Executors.newFixedThreadPool(2, named("echo-pool"));
    private final ExecutorService otherExecutor = Executors.newFixedThreadPool(4, named("other-pool"));
    private final BlockingQueue<RemotingConnection> serverClosed = new LinkedBlockingQueue<>();
    private final BlockingQueue<RemotingCommand> onewayReceived = new LinkedBlockingQueue<>();
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final ExecutorService bigExecutor = Executors.newFixedThreadPool(2, named("big-pool"));
    private final AtomicInteger bigAnswered = new AtomicInteger();
    private final AtomicInteger bigHandled = new AtomicInteger();
    private NettyRemotingServer server;
    private NettyRemotingClient client;
    private String address;

    @BeforeEach
    void start() throws Exception {
        server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").maxFrameLength(64 * 1024));
        server.registerProcessor(ECHO, (connection, request) -> {
            RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, Thread.currentThread().getName());
            response.putExtField("echo", request.extField("echo"));
            return response.setBody(request.body());
        }, echoExecutor);
        server.registerProcessor(FAIL, (connection, request) -> {
            throw new IllegalStateException("boom");
        }, otherExecutor);
        server.registerProcessor(INVALID, (connection, request) -> {
            request.requireExtField("topic");
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, otherExecutor);
        server.registerProcessor(SLOW, (connection, request) -> {
            assertTrue(releaseSlow.await(TIMEOUT, TimeUnit.MILLISECONDS));
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, "slow");
        }, otherExecutor);
        server.registerProcessor(ONEWAY, (connection, request) -> {
            onewayReceived.add(request);
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, "must not be sent");
        }, otherExecutor);
        server.registerProcessor(BIG, (connection, request) -> {
            bigAnswered.incrementAndGet();
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(new byte[1 << 20]);
        }, task -> bigExecutor.execute(() -> {
            task.run();
            bigHandled.incrementAndGet();
        }));
        server.registerProcessor(FULL, (connection, request) -> RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null),
                task -> {
                    throw new RejectedExecutionException("queue full");
                });
        server.addConnectionListener(serverClosed::add);
        server.start();
        address = "127.0.0.1:" + server.port();
        client = new NettyRemotingClient(new RemotingClientConfig());
    }

    @AfterEach
    void stop() {
        releaseSlow.countDown();
        client.close();
        server.close();
        echoExecutor.shutdownNow();
        otherExecutor.shutdownNow();
        bigExecutor.shutdownNow();
    }

    @Test
    void syncCallsWorkWithBothHeaderSerializationsAndRunOnTheProcessorsExecutor() throws Exception {
        for (SerializeType type : SerializeType.values()) {
            RemotingCommand request = RemotingCommand.request(ECHO).putExtField("echo", "hi " + type);
            request.setSerializeType(type);
            request.setBody(new byte[] {4, 2});
            RemotingCommand response = client.invokeSync(address, request, TIMEOUT);
            assertEquals(ResponseCode.SUCCESS, response.code());
            assertEquals(request.opaque(), response.opaque());
            assertTrue(response.isResponse());
            assertEquals(type, response.serializeType(), "the server answers in the request's serialization");
            assertEquals("hi " + type, response.extField("echo"));
            assertArrayEquals(new byte[] {4, 2}, response.body());
            assertTrue(response.remark().startsWith("echo-pool"), response.remark());
        }
    }

    @Test
    void theNioTransportServesWhereEpollIsNotWanted() throws Exception {
        try (NettyRemotingServer nioServer = new NettyRemotingServer(
                new RemotingServerConfig().bindAddress("127.0.0.1").useEpollWhenAvailable(false));
                NettyRemotingClient nioClient = new NettyRemotingClient(new RemotingClientConfig().useEpollWhenAvailable(false))) {
            nioServer.registerProcessor(ECHO, (connection, request) ->
                    RemotingCommand.responseTo(request, ResponseCode.SUCCESS, "nio"), echoExecutor);
            nioServer.start();
            assertEquals("nio", nioClient.invokeSync("127.0.0.1:" + nioServer.port(), RemotingCommand.request(ECHO), TIMEOUT)
                    .remark());
        }
    }

    @Test
    void concurrentAsyncCallsAreMatchedByOpaqueEvenWhenAnsweredOutOfOrder() throws Exception {
        CompletableFuture<RemotingCommand> slow = client.invokeAsync(address, RemotingCommand.request(SLOW), TIMEOUT);
        List<CompletableFuture<RemotingCommand>> fast = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fast.add(client.invokeAsync(address, RemotingCommand.request(ECHO).putExtField("echo", i), TIMEOUT));
        }
        for (int i = 0; i < fast.size(); i++) {
            assertEquals(String.valueOf(i), fast.get(i).get(TIMEOUT, TimeUnit.MILLISECONDS).extField("echo"));
        }
        assertFalse(slow.isDone(), "the slow call is still being processed");
        releaseSlow.countDown();
        assertEquals("slow", slow.get(TIMEOUT, TimeUnit.MILLISECONDS).remark());
    }

    /**
     * A client that sends many requests with large answers and reads none: past the connection's backlog the server
     * answers "busy" instead of holding more answers in memory, and serves other connections meanwhile. Every request
     * is answered once the client reads.
     */
    @Test
    void aClientThatDoesNotReadItsAnswersIsRefusedPastItsBacklog() throws Exception {
        int requests = 100;
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
            burst.write(RawConnection.encode(RemotingCommand.request(BIG)));
        }
        try (RawConnection greedy = new RawConnection(server.port(), (int) TIMEOUT)) {
            greedy.send(burst.toByteArray());
            Deadline.await("every request handled", Duration.ofSeconds(30),
                    () -> bigHandled.get() == requests);
            int backlogInAnswers = (int) (ResponseBacklog.PER_CONNECTION >> 20) + 1;
            assertTrue(bigAnswered.get() <= backlogInAnswers + 2, "answered past the backlog: " + bigAnswered.get());
            assertEquals("hi", client.invokeSync(address, RemotingCommand.request(ECHO).putExtField("echo", "hi"),
                    TIMEOUT).extField("echo"), "another connection is served");

            int busy = 0;
            for (int i = 0; i < requests; i++) {
                RemotingCommand answer = greedy.readFrame();
                if (answer.code() == ResponseCode.SYSTEM_BUSY) {
                    busy++;
                    assertTrue(answer.remark().contains("bytes of earlier responses wait"), answer.remark());
                } else {
                    assertEquals(ResponseCode.SUCCESS, answer.code());
                }
            }
            assertEquals(requests - bigAnswered.get(), busy);
        }
    }

    /** A peer sending garbage on connection after connection gets each closed, but does not write the log as fast. */
    @Test
    void badFramesAreLoggedAtABoundedRate() throws Exception {
        int connections = 40;
        try (CapturedLog log = new CapturedLog()) {
            for (int i = 0; i < connections; i++) {
                try (RawConnection bad = new RawConnection(server.port(), (int) TIMEOUT)) {
                    bad.send("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    assertEquals(RawConnection.Outcome.CLOSED, bad.awaitOutcome());
                }
            }
            long logged = log.text().lines().filter(l -> l.contains("bad frame")).count();
            assertTrue(logged >= 1 && logged <= 10, "lines for " + connections + " bad connections: " + logged);
        }
    }

    /** A oneway sender hears nothing of a refusal (a full queue): the server logs it, at a bounded rate. */
    @Test
    void onewayRequestsThatAreNotDoneAreLoggedAtABoundedRate() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            for (int i = 0; i < 30; i++) {
                client.invokeOneway(address, RemotingCommand.request(FULL), TIMEOUT);
            }
            assertEquals(ResponseCode.SYSTEM_BUSY, client.invokeSync(address, RemotingCommand.request(FULL), TIMEOUT).code());
            long logged = log.text().lines().filter(l -> l.contains("oneway request code " + FULL)).count();
            assertTrue(logged >= 1 && logged <= 10, "lines for 30 dropped oneway requests: " + logged + "\n" + log.text());
            assertTrue(log.text().contains("not done, its sender is not told: " + ResponseCode.SYSTEM_BUSY + " [OVERLOAD]"),
                    log.text());
        }
    }

    @Test
    void aTakenPortIsNamedWhenTheServerCannotListen() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            NettyRemotingServer second = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1")
                    .listenPort(taken.getLocalPort()));
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().contains("cannot listen on port " + taken.getLocalPort() + ": "), e.getMessage());
            assertInstanceOf(java.io.IOException.class, e.getCause(), "the bind failure itself is the cause");
        }
    }

    @Test
    void unknownCodeGetsRequestCodeNotSupported() throws Exception {
        RemotingCommand response = client.invokeSync(address, RemotingCommand.request(4242), TIMEOUT);
        assertEquals(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, response.code());
        assertEquals(" request type 4242 not supported", response.remark());
    }

    @Test
    void processorExceptionsBecomeSystemErrorWithAClearRemark() throws Exception {
        RemotingCommand failed = client.invokeSync(address, RemotingCommand.request(FAIL), TIMEOUT);
        assertEquals(ResponseCode.SYSTEM_ERROR, failed.code());
        assertTrue(failed.remark().contains("boom") && failed.remark().contains("1001"), failed.remark());

        RemotingCommand invalid = client.invokeSync(address, RemotingCommand.request(INVALID), TIMEOUT);
        assertEquals(ResponseCode.SYSTEM_ERROR, invalid.code());
        assertEquals("the custom field <topic> is null", invalid.remark());
    }

    /** A oneway request the processor rejects is logged once, as not done, with the reason. */
    @Test
    void aRejectedOnewayRequestIsLoggedOnce() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            client.invokeOneway(address, RemotingCommand.request(INVALID), TIMEOUT);
            Deadline.await("the rejection is logged", Duration.ofMillis(TIMEOUT),
                    () -> log.text().contains("<topic> is null"));
            // An answered request after it: by then the oneway one was handled on the same executor's queue.
            client.invokeSync(address, RemotingCommand.request(INVALID), TIMEOUT);
            Deadline.await("the answered rejection is logged", Duration.ofMillis(TIMEOUT),
                    () -> log.text().lines().filter(l -> l.contains("<topic> is null")).count() >= 2);
            List<String> lines = log.text().lines().filter(l -> l.contains("<topic> is null")).toList();
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertEquals(1, lines.stream().filter(l -> l.contains("not done")).count(), String.join("\n", lines));
        }
    }

    @Test
    void onewayRequestsReachTheProcessorAndGetNoResponse() throws Exception {
        client.invokeOneway(address, RemotingCommand.request(ONEWAY).putExtField("k", "v"), TIMEOUT);
        RemotingCommand received = onewayReceived.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        assertEquals("v", received.extField("k"));
        assertTrue(received.isOneway());

        // On a raw connection: a oneway request followed by a normal one; the first frame back must answer the second.
        try (RawConnection raw = new RawConnection(server.port(), (int) TIMEOUT)) {
            RemotingCommand oneway = RemotingCommand.request(ONEWAY);
            oneway.markOneway();
            RemotingCommand echo = RemotingCommand.request(ECHO);
            raw.send(RawConnection.encode(oneway));
            assertEquals(oneway.opaque(), onewayReceived.poll(TIMEOUT, TimeUnit.MILLISECONDS).opaque());
            raw.send(RawConnection.encode(echo));
            assertEquals(echo.opaque(), raw.readFrame().opaque());
        }
    }

    @Test
    void callsTimeOutWhenNoResponseArrives() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.invokeAsync(address, RemotingCommand.request(SLOW), 200).get(TIMEOUT, TimeUnit.MILLISECONDS));
        assertInstanceOf(RemotingTimeoutException.class, e.getCause());
        assertThrows(RemotingTimeoutException.class, () -> client.invokeSync(address, RemotingCommand.request(SLOW), 200));
    }

    @Test
    void connectingToAClosedPortFailsWithConnectException() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        assertThrows(RemotingConnectException.class,
                () -> client.invokeSync("127.0.0.1:" + freePort, RemotingCommand.request(ECHO), TIMEOUT));
        assertThrows(RemotingConnectException.class, () -> client.invokeSync("no-port", RemotingCommand.request(ECHO), TIMEOUT));
    }

    @Test
    void closeEventsReachListenersAndPendingCallsFail() throws Exception {
        CompletableFuture<RemotingCommand> slow = client.invokeAsync(address, RemotingCommand.request(SLOW), TIMEOUT);
        RemotingConnection serverSide = awaitServerConnection();
        serverSide.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> slow.get(TIMEOUT, TimeUnit.MILLISECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        RemotingConnection closed = serverClosed.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        assertEquals(serverSide, closed);
        assertFalse(closed.isActive());
        // The client reconnects on demand.
        assertEquals(ResponseCode.SUCCESS, client.invokeSync(address, RemotingCommand.request(ECHO), TIMEOUT).code());
    }

    @Test
    void serverCanCallItsConnectedClients() throws Exception {
        client.registerProcessor(77, (connection, request) ->
                RemotingCommand.responseTo(request, ResponseCode.SUCCESS, "client got " + request.extField("q")), otherExecutor);
        RemotingConnection connection = awaitServerConnection();
        RemotingCommand response = server.invokeAsync(connection, RemotingCommand.request(77).putExtField("q", "x"), TIMEOUT)
                .get(TIMEOUT, TimeUnit.MILLISECONDS);
        assertEquals("client got x", response.remark());

        BlockingQueue<RemotingCommand> clientReceived = new LinkedBlockingQueue<>();
        client.registerProcessor(78, (c, request) -> {
            clientReceived.add(request);
            return null;
        }, otherExecutor);
        server.invokeOneway(connection, RemotingCommand.request(78).putExtField("q", "oneway"));
        RemotingCommand oneway = clientReceived.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        assertEquals("oneway", oneway.extField("q"));
        assertTrue(oneway.isOneway());
    }

    @Test
    void aResponseFromAnotherConnectionCannotCompleteACall() throws Exception {
        BlockingQueue<RemotingConnection> seen = new LinkedBlockingQueue<>();
        server.registerProcessor(1999, (connection, request) -> {
            seen.add(connection);
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, otherExecutor);
        try (RawConnection target = new RawConnection(server.port(), (int) TIMEOUT);
                RawConnection forger = new RawConnection(server.port(), (int) TIMEOUT)) {
            target.send(RawConnection.encode(RemotingCommand.request(1999)));
            assertEquals(ResponseCode.SUCCESS, target.readFrame().code());
            RemotingConnection targetConnection = seen.poll(TIMEOUT, TimeUnit.MILLISECONDS);

            CompletableFuture<RemotingCommand> call = server.invokeAsync(targetConnection, RemotingCommand.request(77), TIMEOUT);
            RemotingCommand request = target.readFrame();
            RemotingCommand forged = RemotingCommand.responseTo(request, 99, "forged");
            forger.send(RawConnection.encode(forged));
            // The forger's next request is handled after its forged response: once answered, the forgery was seen.
            RemotingCommand echo = RemotingCommand.request(ECHO);
            forger.send(RawConnection.encode(echo));
            assertEquals(echo.opaque(), forger.readFrame().opaque());
            assertFalse(call.isDone(), "a forged response from another connection must be ignored");

            target.send(RawConnection.encode(RemotingCommand.responseTo(request, ResponseCode.SUCCESS, "genuine")));
            assertEquals("genuine", call.get(TIMEOUT, TimeUnit.MILLISECONDS).remark());
        }
    }

    @Test
    void idleConnectionsAreClosedAndReported() throws Exception {
        try (NettyRemotingServer idleServer = new NettyRemotingServer(
                new RemotingServerConfig().bindAddress("127.0.0.1").maxIdleSeconds(1))) {
            BlockingQueue<RemotingConnection> closed = new LinkedBlockingQueue<>();
            idleServer.addConnectionListener(closed::add);
            idleServer.start();
            try (Socket socket = new Socket("127.0.0.1", idleServer.port())) {
                socket.setSoTimeout((int) TIMEOUT);
                RemotingConnection connection = closed.poll(TIMEOUT, TimeUnit.MILLISECONDS);
                assertEquals("127.0.0.1:" + socket.getLocalPort(), connection.remoteAddress());
                assertEquals(-1, socket.getInputStream().read(), "the server closed the idle connection");
            }
        }
    }

    /**
     * A peer that trickles a frame a byte at a time never completes a request: it idles out like a silent one, or it
     * could hold a frame's worth of buffer for as long as it likes.
     */
    @Test
    void aPeerTricklingAFrameIdlesOut() throws Exception {
        try (NettyRemotingServer idleServer = new NettyRemotingServer(
                new RemotingServerConfig().bindAddress("127.0.0.1").maxIdleSeconds(1))) {
            BlockingQueue<RemotingConnection> closed = new LinkedBlockingQueue<>();
            idleServer.addConnectionListener(closed::add);
            idleServer.start();
            try (RawConnection trickle = new RawConnection(idleServer.port(), (int) TIMEOUT)) {
                trickle.send(ByteBuffer.allocate(4).putInt(10_000).array());
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT);
                RemotingConnection gone = null;
                while (gone == null && System.nanoTime() < deadline) {
                    trickle.send(new byte[] {1});
                    gone = closed.poll(200, TimeUnit.MILLISECONDS);
                }
                assertNotNull(gone, "still open after " + TIMEOUT + " ms of a byte every 200 ms");
                assertEquals(RawConnection.Outcome.CLOSED, trickle.awaitOutcome());
            }
        }
    }

    /** After the first framing error, the rest of what the peer sent is dropped, not read for more errors to log. */
    @Test
    void aBrokenStreamIsReportedOnce() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            try (RawConnection bad = new RawConnection(server.port(), (int) TIMEOUT)) {
                // A frame whose header claims more than the frame holds, then bytes that read as a huge length.
                ByteBuffer bytes = ByteBuffer.allocate(16).putInt(8).putInt(109).putInt(0).putInt(0x64646464);
                bad.send(bytes.array());
                assertEquals(RawConnection.Outcome.CLOSED, bad.awaitOutcome());
            }
            Deadline.await("the bad frame is logged", Duration.ofMillis(TIMEOUT),
                    () -> log.text().contains("bad frame"));
            List<String> lines = log.text().lines().filter(l -> l.contains("bad frame")).toList();
            assertEquals(1, lines.size(), String.join("\n", lines));
        }
    }

    @Test
    void frameAboveTheLimitClosesOnlyThatConnection() throws Exception {
        try (RawConnection bad = new RawConnection(server.port(), (int) TIMEOUT)) {
            bad.send(ByteBuffer.allocate(104).putInt(64 * 1024 + 1).array());
            assertEquals(RawConnection.Outcome.CLOSED, bad.awaitOutcome(), "the connection sending an oversized frame is closed");
        }
        RemotingCommand echo = RemotingCommand.request(ECHO).putExtField("echo", "still here");
        assertEquals("still here", client.invokeSync(address, echo, TIMEOUT).extField("echo"));
        // A frame exactly at the limit is accepted.
        RemotingCommand big = RemotingCommand.request(ECHO);
        big.setBody(new byte[60 * 1024]);
        assertEquals(60 * 1024, client.invokeSync(address, big, TIMEOUT).body().length);
    }

    private RemotingConnection awaitServerConnection() throws Exception {
        BlockingQueue<RemotingConnection> seen = new LinkedBlockingQueue<>();
        server.registerProcessor(1999, (connection, request) -> {
            seen.add(connection);
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, otherExecutor);
        client.invokeSync(address, RemotingCommand.request(1999), TIMEOUT);
        RemotingConnection connection = seen.poll(TIMEOUT, TimeUnit.MILLISECONDS);
        assertTrue(connection.remoteAddress().startsWith("127.0.0.1:"), connection.remoteAddress());
        return connection;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

}
