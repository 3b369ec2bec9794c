package dev.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.remoting.netty.NettyRemotingServer;
import dev.sluice.testing.CapturedLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A name server that restarted answers "topic not known" until its brokers register again, and one that is down does
 * not answer at all: either way a cached route must stay, as RocketMQ's client keeps it, and no refresh may print a
 * stack trace (Caffeine does for a refresh that throws).
 */
class RouteCacheTest {
    private static final String ROUTE = "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"10.0.0.1:10911\"},"
            + "\"brokerName\":\"b\",\"cluster\":\"c\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"b\","
            + "\"perm\":6,\"readQueueNums\":2,\"topicSysFlag\":0,\"writeQueueNums\":2}]}";

    @Test
    void aRouteStaysWhileTheNameServerForgetsTheTopicOrIsDown() throws Exception {
        AtomicBoolean knows = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        NettyRemotingServer namesrv = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1"));
        namesrv.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (connection, request) -> {
            asked.incrementAndGet();
            return knows.get()
                    ? RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(ROUTE.getBytes(StandardCharsets.UTF_8))
                    : RemotingCommand.responseTo(request, ResponseCode.TOPIC_NOT_EXIST, "No topic route info in name server");
        }, pool);
        namesrv.start();
        NettyRemotingClient remoting = new NettyRemotingClient(new RemotingClientConfig());
        ExecutorService refreshes = Executors.newSingleThreadExecutor();
        try (CapturedLog log = new CapturedLog()) {
            RouteCache cache = new RouteCache(new NameServerClient(remoting,
                    new NameServerList(List.of("127.0.0.1:" + namesrv.port())), 1000), Duration.ofMinutes(1), refreshes);
            TopicRoute route = cache.route("T");

            knows.set(false);
            int before = asked.get();
            cache.refreshAll();
            // Caffeine applies a reload at the end of its task, so a task queued behind it runs once it was applied.
            refreshes.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertTrue(asked.get() > before, "the refresh asked the name server");
            assertEquals(route, cache.route("T"), "a name server that forgot the topic keeps no route from the client");

            namesrv.close();
            for (int i = 0; i < 30; i++) {
                cache.refreshAll();
            }
            refreshes.submit(() -> { }).get(10, TimeUnit.SECONDS); // behind every refresh
            assertEquals(route, cache.route("T"), "nor does one that is down");
            assertFalse(log.text().contains("Exception thrown during refresh"), log.text());
            long warned = log.text().lines().filter(l -> l.contains("keeping the last route of topic T")).count();
            assertTrue(warned >= 1 && warned <= 10, "rate-limited warnings: " + warned);
        } finally {
            remoting.close();
            namesrv.close();
            refreshes.shutdownNow();
            pool.shutdownNow();
        }
    }
}
