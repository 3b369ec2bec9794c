package dev.sluice.remoting.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.SerializeType;
import dev.sluice.remoting.protocol.CommandCodec;
import dev.sluice.remoting.protocol.FrameFormatException;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Throws hostile bytes at a live server, one connection per try. The expected reaction is derived from the
 * bytes: an over-limit or negative length, or a complete frame that is not a command, must close the
 * connection; a complete request must be answered (REQUEST_CODE_NOT_SUPPORTED for unknown codes); an
 * incomplete frame may be waited on. Throughout, a well-behaved client keeps calling on its own connection
 * from a background thread, and before and after every try another one must get correct answers.
 */
class HostileInputFuzzTest {
    private static final int ECHO = 7;
    private static final int MAX_FRAME = RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH;
    private static final int DEADLINE_MILLIS = 5000;

    private static ExecutorService executor;
    private static NettyRemotingServer server;
    private static NettyRemotingClient goodClient;
    private static BackgroundCaller backgroundCaller;

    @BeforeContainer
    static void startServer() throws Exception {
        executor = Executors.newFixedThreadPool(2);
        server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1"));
        server.registerProcessor(ECHO, (connection, request) ->
                RemotingCommand.responseTo(request, ResponseCode.SUCCESS, request.extField("say")), executor);
        server.start();
        goodClient = new NettyRemotingClient(new RemotingClientConfig());
        backgroundCaller = new BackgroundCaller("127.0.0.1:" + server.port());
        backgroundCaller.start();
    }

    @AfterContainer
    static void stopServer() throws Exception {
        backgroundCaller.stop();
        goodClient.close();
        server.close();
        executor.shutdownNow();
    }


    @Property(tries = 200)
    void serverAnswersOrClosesAndKeepsServingOthers(@ForAll("hostileInput") byte[] input) throws Exception {
        long backgroundCallsBefore = backgroundCaller.successes();
        assertGoodClientServed("before");
        try (RawConnection raw = new RawConnection(server.port(), DEADLINE_MILLIS)) {
            raw.send(input);
            Expectation expected = expectationFor(input);
            switch (expected.kind) {
                case CLOSE -> assertEquals(RawConnection.Outcome.CLOSED, raw.awaitOutcome(), expected.why);
                case ANSWER -> {
                    RemotingCommand response = raw.readFrame();
                    assertTrue(response != null && response.isResponse(), expected.why);
                    assertEquals(expected.request.opaque(), response.opaque());
                    int expectedCode = expected.request.code() == ECHO ? ResponseCode.SUCCESS
                            : ResponseCode.REQUEST_CODE_NOT_SUPPORTED;
                    assertEquals(expectedCode, response.code(), String.valueOf(response.remark()));
                }
                case ANYTHING -> { }
            }
        }
        assertGoodClientServed("after");
        backgroundCaller.assertHealthy();
        backgroundCaller.awaitSuccessesAbove(backgroundCallsBefore);
    }

    @Example
    void maximalLengthFieldClosesTheConnection() throws Exception {
        serverAnswersOrClosesAndKeepsServingOthers(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(7).array());
    }

    @Example
    void headerLengthBeyondTheFrameClosesTheConnection() throws Exception {
        serverAnswersOrClosesAndKeepsServingOthers(ByteBuffer.allocate(12).putInt(8).putInt(0x00FFFFFF).putInt(0).array());
    }

    private static void assertGoodClientServed(String when) throws Exception {
        RemotingCommand request = RemotingCommand.request(ECHO).putExtField("say", when);
        RemotingCommand response = goodClient.invokeSync("127.0.0.1:" + server.port(), request, DEADLINE_MILLIS);
        assertEquals(ResponseCode.SUCCESS, response.code());
        assertEquals(when, response.remark());
    }

    /** A well-behaved client calling in a loop on its own connection while the hostile tries run. */
    private static final class BackgroundCaller {
        private final NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig());
        private final String address;
        private final AtomicLong successes = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread = new Thread(this::run, "fuzz-background-caller");
        private volatile boolean running = true;

        BackgroundCaller(String address) {
            this.address = address;
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            for (long i = 0; running; i++) {
                try {
                    RemotingCommand response = client.invokeSync(address,
                            RemotingCommand.request(ECHO).putExtField("say", "bg" + i), DEADLINE_MILLIS);
                    if (response.code() != ResponseCode.SUCCESS || !("bg" + i).equals(response.remark())) {
                        throw new AssertionError("wrong answer to background call " + i + ": " + response);
                    }
                    successes.incrementAndGet();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    return;
                }
                // Pacing only, so the loop does not monopolise a CPU the hostile connections also need.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        long successes() {
            return successes.get();
        }

        void assertHealthy() {
            Throwable e = failure.get();
            if (e != null) {
                throw new AssertionError("the background client failed", e);
            }
        }

        void awaitSuccessesAbove(long count) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
            while (successes.get() <= count) {
                assertHealthy();
                if (System.nanoTime() > end) {
                    throw new AssertionError("the background client made no progress within " + DEADLINE_MILLIS + " ms");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2L * DEADLINE_MILLIS);
            client.close();
            assertHealthy();
        }
    }

    private enum Kind { CLOSE, ANSWER, ANYTHING }

    private record Expectation(Kind kind, RemotingCommand request, String why) {
    }

    /** Our own codec is the oracle for whether a complete frame is a command (it is checked against Apache's). */
    private static Expectation expectationFor(byte[] input) {
        if (input.length < 4) {
            return new Expectation(Kind.ANYTHING, null, "no complete length field");
        }
        int length = ByteBuffer.wrap(input).getInt();
        if (length < 0 || length > MAX_FRAME) {
            return new Expectation(Kind.CLOSE, null, "length field " + length + " is out of bounds");
        }
        if (input.length - 4 < length) {
            return new Expectation(Kind.ANYTHING, null, "incomplete frame");
        }
        try {
            RemotingCommand command = CommandCodec.decode(Unpooled.wrappedBuffer(input, 4, length));
            if (command.isResponse() || command.isOneway()) {
                return new Expectation(Kind.ANYTHING, command, "a response or oneway request gets no answer");
            }
            return new Expectation(Kind.ANSWER, command, "a complete request must be answered: " + command);
        } catch (FrameFormatException e) {
            return new Expectation(Kind.CLOSE, null, "complete frame is not a command: " + e.getMessage());
        }
    }

    @Provide
    Arbitrary<byte[]> hostileInput() {
        return Arbitraries.oneOf(
                randomBytes(),
                truncatedFrames(),
                hugeLengths(),
                headerLongerThanFrame(),
                garbageJsonHeaders(),
                unknownCodes());
    }

    private static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    private static Arbitrary<byte[]> truncatedFrames() {
        return validRequests().flatMap(frame -> Arbitraries.integers().between(0, frame.length - 1)
                .map(cut -> Arrays.copyOf(frame, cut)));
    }

    private static Arbitrary<byte[]> hugeLengths() {
        Arbitrary<Integer> lengths = Arbitraries.oneOf(
                Arbitraries.integers().between(MAX_FRAME + 1, Integer.MAX_VALUE),
                Arbitraries.integers().between(Integer.MIN_VALUE, -1),
                Arbitraries.of(Integer.MAX_VALUE, MAX_FRAME + 1, -1));
        return Combinators.combine(lengths, Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                .as((length, tail) -> ByteBuffer.allocate(4 + tail.length).putInt(length).put(tail).array());
    }

    private static Arbitrary<byte[]> headerLongerThanFrame() {
        return Combinators.combine(Arbitraries.integers().between(4, 200), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(1, 0xFFFFFF)).as((length, type, excess) -> {
                    int headerLength = Math.min(0xFFFFFF, length - 4 + excess);
                    ByteBuffer frame = ByteBuffer.allocate(4 + length);
                    frame.putInt(length).putInt((type << 24) | headerLength);
                    return frame.array();
                });
    }

    private static Arbitrary<byte[]> garbageJsonHeaders() {
        Arbitrary<String> garbage = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars("{}[]\":,0123456789-.etrufalsnodcg\\ ").ofMaxLength(80),
                Arbitraries.of("{", "{}", "[]", "null", "{\"code\":}", "{\"code\":\"x\"}", "{\"code\":1e99}",
                        "{\"code\":1,\"extFields\":[]}", "{\"code\":1,\"language\":\"COBOL\"}",
                        "{\"code\":1,\"opaque\":99999999999}", "[".repeat(5000)));
        return garbage.map(text -> frame(0, text.getBytes(StandardCharsets.UTF_8), new byte[0]));
    }

    private static Arbitrary<byte[]> unknownCodes() {
        return Combinators.combine(Arbitraries.integers().between(Short.MIN_VALUE, Short.MAX_VALUE).filter(c -> c != ECHO),
                Arbitraries.of(SerializeType.values()), Arbitraries.strings().alpha().ofMaxLength(20))
                .as((code, type, value) -> {
                    RemotingCommand request = RemotingCommand.request(code).putExtField("say", value);
                    request.setSerializeType(type);
                    return encode(request);
                });
    }

    private static Arbitrary<byte[]> validRequests() {
        return Combinators.combine(Arbitraries.of(SerializeType.values()), Arbitraries.strings().ofMaxLength(40))
                .as((type, value) -> {
                    RemotingCommand request = RemotingCommand.request(ECHO).putExtField("say", value);
                    request.setSerializeType(type);
                    return encode(request);
                });
    }

    private static byte[] frame(int type, byte[] header, byte[] body) {
        return ByteBuffer.allocate(8 + header.length + body.length)
                .putInt(4 + header.length + body.length).putInt((type << 24) | header.length).put(header).put(body).array();
    }

    private static byte[] encode(RemotingCommand request) {
        try {
            return RawConnection.encode(request);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
