package dev.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.Message;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How sends fail, against one scripted server that plays the name server and two broker groups: the messages name
 * the topic, the name servers, the broker; broker codes and remarks pass through; retriable codes move to another group.
 */
class ProducerErrorsTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private NettyRemotingServer server;
    private String address;
    private final List<String> sendsTo = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyCalls = new AtomicInteger();

    @BeforeEach
    void startServer() throws Exception {
        server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").listenPort(0));
        server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (connection, request) -> {
            String topic = request.extField("topic");
            if (topic.equals("Unknown") || topic.equals("TBW102")) {
                return RemotingCommand.responseTo(request, ResponseCode.TOPIC_NOT_EXIST, "No topic route info in name server for the topic: " + topic);
            }
            String route = "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"" + address + "\"},\"brokerName\":\"broker-a\",\"cluster\":\"c\"},"
                    + "{\"brokerAddrs\":{\"0\":\"" + address + "\"},\"brokerName\":\"broker-b\",\"cluster\":\"c\"}],"
                    + "\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":1,\"writeQueueNums\":1,\"topicSysFlag\":0},"
                    + "{\"brokerName\":\"broker-b\",\"perm\":6,\"readQueueNums\":1,\"writeQueueNums\":1,\"topicSysFlag\":0}]}";
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(route.getBytes(StandardCharsets.UTF_8));
        }, executor);
        server.registerProcessor(RequestCode.SEND_MESSAGE_V2, (connection, request) -> {
            sendsTo.add(request.extField("bname"));
            switch (request.extField("b")) {
                case "Illegal":
                    return RemotingCommand.responseTo(request, ResponseCode.MESSAGE_ILLEGAL, "the message is illegal, maybe msg body or properties length not matched");
                case "Silent":
                    return null;
                case "Good":
                    return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).putExtField("msgId", "7F00000100002A9F0000000000000000")
                            .putExtField("queueId", 0).putExtField("queueOffset", 7);
                case "Flaky":
                    if (flakyCalls.getAndIncrement() == 0) {
                        return RemotingCommand.responseTo(request, ResponseCode.SERVICE_NOT_AVAILABLE, "service not available now");
                    }
                    return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).putExtField("msgId", "7F00000100002A9F0000000000000000")
                            .putExtField("queueId", 0).putExtField("queueOffset", 41);
                default:
                    throw new IllegalStateException("unexpected topic");
            }
        }, executor);
        server.start();
        address = "127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        executor.shutdownNow();
    }

    private Producer producer(String namesrv) {
        return new Producer("PG", new ClientConfig().namesrvAddr(namesrv).instanceName("errors").clientIp("127.0.0.1"))
                .setSendTimeoutMillis(1000).start();
    }

    private static Message message(String topic) {
        return new Message(topic, "body".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noRouteNamesTheTopicAndTheNameServersAfterFailingOverFromADeadOne() {
        String dead = "127.0.0.1:1";
        try (Producer producer = producer(dead + ";" + address)) {
            ClientException e = assertThrows(ClientException.class, () -> producer.send(message("Unknown")));
            assertEquals("no route info for topic Unknown (NameServers tried: " + dead + ", " + address + ")", e.getMessage());
        }
    }

    @Test
    void aProducerGivenNoNameServerAsksTheAddressServer() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/rocketmq/nsaddr", exchange -> {
            byte[] body = address.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        String before = System.getProperty("rocketmq.namesrv.domain");
        System.setProperty("rocketmq.namesrv.domain", "127.0.0.1:" + http.getAddress().getPort());
        try (Producer producer = producer(null)) {
            ClientException e = assertThrows(ClientException.class, () -> producer.send(message("Unknown")));
            assertEquals("no route info for topic Unknown (NameServers tried: " + address + ")", e.getMessage());
        } finally {
            http.stop(0);
            if (before == null) {
                System.clearProperty("rocketmq.namesrv.domain");
            } else {
                System.setProperty("rocketmq.namesrv.domain", before);
            }
        }
    }

    @Test
    void noNameServerAnswering() {
        try (Producer producer = producer("127.0.0.1:1")) {
            ClientException e = assertThrows(ClientException.class, () -> producer.send(message("Known")));
            assertTrue(e.getMessage().startsWith("no name server answered (NameServers tried: 127.0.0.1:1 ("), e.getMessage());
        }
    }

    @Test
    void brokerCodeAndRemarkPassThroughWithoutRetry() {
        try (Producer producer = producer(address)) {
            ClientException e = assertThrows(ClientException.class, () -> producer.send(message("Illegal")));
            assertEquals(ResponseCode.MESSAGE_ILLEGAL, e.code());
            assertEquals("the message is illegal, maybe msg body or properties length not matched", e.remark());
            assertTrue(e.getMessage().contains("refused by broker " + sendsTo.get(0) + " at " + address + ": code 13"), e.getMessage());
            assertEquals(1, sendsTo.size(), "MESSAGE_ILLEGAL is not retried");
        }
    }

    @Test
    void timeoutNamesTheBroker() {
        try (Producer producer = producer(address)) {
            producer.setRetryTimesWhenSendFailed(0);
            ClientException e = assertThrows(ClientException.class, () -> producer.send(message("Silent")));
            assertTrue(e.getMessage().contains("broker " + sendsTo.get(0) + " at " + address + " did not answer request code 310"),
                    e.getMessage());
        }
    }

    /** A broker that answered with a refusal is not avoided, as RocketMQ's client avoids only one that did not answer. */
    @Test
    void aRefusedMessageDoesNotSteerLaterSendsOffItsBroker() throws Exception {
        try (Producer producer = new Producer("PG", new ClientConfig().namesrvAddr(address).instanceName("errors")
                .clientIp("127.0.0.1")).setSendLatencyFaultEnable(true).start()) {
            assertThrows(ClientException.class, () -> producer.send(message("Illegal")));
            sendsTo.clear();
            for (int i = 0; i < 10; i++) {
                producer.send(message("Good"));
            }
            assertEquals(Set.of("broker-a", "broker-b"), Set.copyOf(sendsTo));
        }
    }

    /** As RocketMQ's sendLatencyFaultEnable: off, a broker that did not answer still gets later sends. */
    @Test
    void aBrokerThatDidNotAnswerIsAvoidedOnlyWithLatencyFaultEnabled() throws Exception {
        for (boolean enabled : new boolean[] {false, true}) {
            try (Producer producer = new Producer("PG", new ClientConfig().namesrvAddr(address).instanceName("faults")
                    .clientIp("127.0.0.1")).setSendTimeoutMillis(1000).setRetryTimesWhenSendFailed(0)
                    .setSendLatencyFaultEnable(enabled).start()) {
                sendsTo.clear();
                assertThrows(ClientException.class, () -> producer.send(message("Silent")));
                String silent = sendsTo.get(0);
                sendsTo.clear();
                for (int i = 0; i < 10; i++) {
                    producer.send(message("Good"));
                }
                assertEquals(enabled ? 0 : 5, sendsTo.stream().filter(silent::equals).count(),
                        "sends to " + silent + " after it did not answer, fault avoidance " + enabled + ": " + sendsTo);
            }
        }
    }

    /** The first attempt took the whole send timeout: the error says so, not that every retry was tried. */
    @Test
    void aTimeoutCountsTheAttemptsMadeAndAnAsyncOneNamesTheBroker() {
        try (Producer producer = producer(address)) {
            ClientException e = assertThrows(ClientException.class, () -> producer.send(message("Silent")));
            assertTrue(e.getMessage().contains("failed after 1 attempt in 1000 ms: broker "), e.getMessage());
            var failure = assertThrows(ExecutionException.class,
                    () -> producer.sendAsync(message("Silent")).get(10, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().matches("sending to topic Silent timed out after 1000 ms: broker "
                    + "broker-[ab] at " + address + " did not answer.*"), failure.getCause().getMessage());
        }
    }

    /** As RocketMQ's client: refused before sending, not sent and refused by every broker in turn. */
    @Test
    void theBrokersOwnTopicsAreRefusedBeforeSending() {
        try (Producer producer = producer(address)) {
            for (String topic : List.of("SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "OFFSET_MOVED_EVENT")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> producer.send(message(topic)));
                assertTrue(e.getMessage().contains("sending to topic " + topic + " is forbidden"), e.getMessage());
            }
            assertEquals(List.of(), sendsTo);
        }
    }

    @Test
    void retriableCodeIsRetriedOnTheOtherBrokerGroup() throws Exception {
        try (Producer producer = producer(address)) {
            SendResult result = producer.send(message("Flaky"));
            assertEquals(SendStatus.SEND_OK, result.status());
            assertEquals(41, result.queueOffset());
            assertEquals(2, sendsTo.size());
            assertNotEquals(sendsTo.get(0), sendsTo.get(1), "the retry went to the group that failed");
            assertEquals(sendsTo.get(1), result.queue().brokerName());
        }
    }

    @Test
    void asyncSendFailsWithTheBrokersCode() {
        try (Producer producer = producer(address)) {
            var failure = assertThrows(ExecutionException.class,
                    () -> producer.sendAsync(message("Illegal")).get(5, TimeUnit.SECONDS));
            ClientException e = (ClientException) failure.getCause();
            assertEquals(ResponseCode.MESSAGE_ILLEGAL, e.code());
        }
    }
}
