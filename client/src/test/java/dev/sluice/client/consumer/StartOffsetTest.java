package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.MessageQueue;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingServer;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where a group with no stored offset starts (spec §10.2), against a scripted broker that has none stored: real
 * brokers answer 0 for a young queue instead, so consume-from only shows on queues whose start was cleaned up.
 */
class StartOffsetTest {
    private static final long MAX = 100;
    private static final long AT_TIMESTAMP = 42;

    @ParameterizedTest
    @CsvSource({"T, FIRST_OFFSET, 0", "T, LAST_OFFSET, 100", "T, TIMESTAMP, 42",
            "%RETRY%G, LAST_OFFSET, 0", "%RETRY%G, TIMESTAMP, 100", "%RETRY%G, FIRST_OFFSET, 0"})
    void firstPullStartsWhereTheRuleSays(String topic, ConsumeFrom from, long expected) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        NettyRemotingServer server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").listenPort(0));
        Map<String, String> seen = new ConcurrentHashMap<>();
        try {
            server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (c, r) -> {
                String route = "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"127.0.0.1:" + server.port() + "\"},\"brokerName\":\"b\"}],"
                        + "\"queueDatas\":[{\"brokerName\":\"b\",\"perm\":6,\"readQueueNums\":1,\"writeQueueNums\":1}]}";
                return RemotingCommand.responseTo(r, ResponseCode.SUCCESS, null).setBody(route.getBytes(StandardCharsets.UTF_8));
            }, executor);
            server.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, (c, r) ->
                    RemotingCommand.responseTo(r, ResponseCode.QUERY_NOT_FOUND, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"), executor);
            server.registerProcessor(RequestCode.GET_MAX_OFFSET, (c, r) ->
                    RemotingCommand.responseTo(r, ResponseCode.SUCCESS, null).putExtField("offset", MAX), executor);
            server.registerProcessor(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (c, r) -> {
                seen.put("timestamp", r.extField("timestamp"));
                return RemotingCommand.responseTo(r, ResponseCode.SUCCESS, null).putExtField("offset", AT_TIMESTAMP);
            }, executor);
            server.registerProcessor(RequestCode.PULL_MESSAGE, (c, r) -> {
                seen.putIfAbsent("pull", r.extField("queueOffset"));
                return RemotingCommand.responseTo(r, ResponseCode.PULL_NOT_FOUND, null)
                        .putExtField("nextBeginOffset", r.extField("queueOffset")).putExtField("minOffset", 0)
                        .putExtField("maxOffset", MAX).putExtField("suggestWhichBrokerId", 0);
            }, executor);
            server.start();
            ClientConfig config = new ClientConfig().namesrvAddr("127.0.0.1:" + server.port()).instanceName("start")
                    .clientIp("127.0.0.1");
            try (LitePullConsumer consumer = new LitePullConsumer("G", config)) {
                consumer.setAutoCommit(false).setConsumeFrom(from).setConsumeTimestamp(1_700_000_000_000L)
                        .assign(List.of(new MessageQueue(topic, "b", 0))).start();
                Deadline.await("the first pull", Duration.ofSeconds(10), () -> seen.containsKey("pull"));
            }
            assertEquals(String.valueOf(expected), seen.get("pull"));
            if (from == ConsumeFrom.TIMESTAMP && !topic.startsWith("%RETRY%")) {
                assertEquals("1700000000000", seen.get("timestamp"));
            }
        } finally {
            server.close();
            executor.shutdownNow();
        }
    }
}
