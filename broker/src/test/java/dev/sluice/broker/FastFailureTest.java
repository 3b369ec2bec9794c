package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfig.Pool;
import dev.sluice.broker.stats.RequestPool;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.remoting.netty.NettyRemotingServer;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RocketMQ's fast failure over a real connection: a pool's one thread is held by a request, two more wait in its
 * queue, and a pass answers them SYSTEM_BUSY while the first is still running, once they have waited long enough.
 */
class FastFailureTest {
    private final MutableClock clock = new MutableClock(1_000_000);
    private final BrokerConfig config = BrokerConfig.defaults();
    private final AtomicLong lockHeld = new AtomicLong();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private NettyRemotingServer server;
    private NettyRemotingClient client;
    private RequestPool pull;
    private RequestPool send;
    private FastFailure fastFailure;

    @BeforeEach
    void start() throws Exception {
        server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").listenPort(0));
        pull = new RequestPool(1, 100, new BrokerThreads("test-pull"), clock);
        send = new RequestPool(1, 100, new BrokerThreads("test-send"), clock);
        CountDownLatch first = new CountDownLatch(1);
        server.registerProcessor(RequestCode.PULL_MESSAGE, (connection, request) -> {
            if (first.getCount() > 0) {
                first.countDown();
                holding.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS));
            }
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, pull);
        server.registerProcessor(RequestCode.SEND_MESSAGE_V2, (connection, request) -> {
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, send);
        server.start();
        client = new NettyRemotingClient(new RemotingClientConfig());
        fastFailure = new FastFailure(config, Map.of(Pool.PULL, pull, Pool.SEND, send), lockHeld::get);
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        client.close();
        server.close();
        for (RequestPool pool : List.of(pull, send)) {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void requestsQueuedPastTheWaitAreAnsweredBusyWhileTheFirstStillRuns() throws Exception {
        CompletableFuture<RemotingCommand> running = call(RequestCode.PULL_MESSAGE);
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        CompletableFuture<RemotingCommand> second = call(RequestCode.PULL_MESSAGE);
        CompletableFuture<RemotingCommand> third = call(RequestCode.PULL_MESSAGE);
        Deadline.await("two pulls queued", Duration.ofSeconds(10), () -> pull.getQueue().size() == 2);

        clock.advance(config.waitTimeMillsInQueue(Pool.PULL) - 1);
        fastFailure.run();
        assertEquals(2, pull.getQueue().size(), "not yet: waitTimeMillsInPullQueue is 5000 ms");

        clock.advance(1);
        fastFailure.run();
        for (CompletableFuture<RemotingCommand> busy : List.of(second, third)) {
            RemotingCommand response = busy.get(10, TimeUnit.SECONDS);
            assertEquals(ResponseCode.SYSTEM_BUSY, response.code());
            assertTrue(response.remark().startsWith(
                    "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: 5000ms"),
                    response.remark());
        }
        assertFalse(running.isDone(), "answered while the first pull still holds the thread");
        release.countDown();
        assertEquals(ResponseCode.SUCCESS, running.get(10, TimeUnit.SECONDS).code());
    }

    @Test
    void theSwitchAndTheWaitsApplyWhileRunning() throws Exception {
        call(RequestCode.PULL_MESSAGE);
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        CompletableFuture<RemotingCommand> queued = call(RequestCode.PULL_MESSAGE);
        Deadline.await("a pull queued", Duration.ofSeconds(10), () -> pull.getQueue().size() == 1);

        config.set(BrokerConfig.BROKER_FAST_FAILURE_ENABLE, "false");
        clock.advance(60_000);
        fastFailure.run();
        assertEquals(1, pull.getQueue().size(), "fast failure off: it waits its turn");

        config.set(BrokerConfig.BROKER_FAST_FAILURE_ENABLE, "true");
        config.set(BrokerConfig.WAIT_TIME_MILLS_IN_PULL_QUEUE, "70000");
        fastFailure.run();
        assertEquals(1, pull.getQueue().size(), "60 s is within a 70 s wait");

        config.set(BrokerConfig.WAIT_TIME_MILLS_IN_PULL_QUEUE, "60000");
        fastFailure.run();
        assertEquals(ResponseCode.SYSTEM_BUSY, queued.get(10, TimeUnit.SECONDS).code());
    }

    @Test
    void aLongHeldAppendLockRefusesEveryQueuedSend() throws Exception {
        call(RequestCode.SEND_MESSAGE_V2);
        Deadline.await("the send thread taken", Duration.ofSeconds(10), () -> send.getActiveCount() == 1);
        CompletableFuture<RemotingCommand> queued = call(RequestCode.SEND_MESSAGE_V2);
        Deadline.await("a send queued", Duration.ofSeconds(10), () -> send.getQueue().size() == 1);

        lockHeld.set(config.osPageCacheBusyTimeOutMills());
        fastFailure.run();
        assertEquals(1, send.getQueue().size(), "held 1000 ms is not yet busy, and 0 ms queued is within 200 ms");

        lockHeld.set(config.osPageCacheBusyTimeOutMills() + 1);
        fastFailure.run();
        RemotingCommand response = queued.get(10, TimeUnit.SECONDS);
        assertEquals(ResponseCode.SYSTEM_BUSY, response.code());
        assertTrue(response.remark().startsWith("[PCBUSY_CLEAN_QUEUE]broker busy"), response.remark());
    }

    private CompletableFuture<RemotingCommand> call(int code) {
        return client.invokeAsync("127.0.0.1:" + server.port(), RemotingCommand.request(code), 30_000);
    }
}
