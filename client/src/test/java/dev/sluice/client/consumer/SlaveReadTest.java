package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingServer;
import dev.sluice.testing.Deadline;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where pulls go, against scripted servers for a name server, a master (id 0) and a slave (id 1): the broker's
 * suggestWhichBrokerId is followed, and when the master drops out of the route reading goes on from the slave.
 */
class SlaveReadTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<NettyRemotingServer> servers = new ArrayList<>();
    private final List<String> pulls = new CopyOnWriteArrayList<>();
    private volatile boolean masterInRoute = true;
    private String masterAddr;
    private String slaveAddr;

    @AfterEach
    void stop() {
        servers.forEach(NettyRemotingServer::close);
        executor.shutdownNow();
    }

    private NettyRemotingServer server() throws Exception {
        NettyRemotingServer server = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").listenPort(0));
        servers.add(server);
        return server;
    }

    private static RemotingCommand pullResponse(RemotingCommand request, int code, long next, long suggest, byte[] body) {
        return RemotingCommand.responseTo(request, code, null).putExtField("nextBeginOffset", next)
                .putExtField("minOffset", 0).putExtField("maxOffset", 2).putExtField("suggestWhichBrokerId", suggest)
                .setBody(body);
    }

    private static byte[] record(long queueOffset, String body) throws Exception {
        MessageExt m = new MessageExt();
        m.setTopic("T");
        m.setQueueId(0);
        m.setQueueOffset(queueOffset);
        m.setCommitLogOffset(1000 + queueOffset);
        m.setBornHost(new InetSocketAddress("127.0.0.1", 5000));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
        return MessageDecoder.encode(m, false);
    }

    @Test
    void followsTheSuggestedBrokerAndReadsFromTheSlaveWhenTheMasterIsGone() throws Exception {
        NettyRemotingServer master = server();
        master.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, (c, r) ->
                RemotingCommand.responseTo(r, ResponseCode.SUCCESS, null).putExtField("offset", 0), executor);
        master.registerProcessor(RequestCode.PULL_MESSAGE, (c, r) -> {
            pulls.add("master@" + r.extField("queueOffset"));
            // the master is "behind": it suggests reading from slave 1
            return pullResponse(r, ResponseCode.PULL_NOT_FOUND, Long.parseLong(r.extField("queueOffset")), 1, null);
        }, executor);
        master.start();
        masterAddr = "127.0.0.1:" + master.port();

        NettyRemotingServer slave = server();
        slave.registerProcessor(RequestCode.PULL_MESSAGE, (c, r) -> {
            long offset = Long.parseLong(r.extField("queueOffset"));
            pulls.add("slave@" + offset);
            if (offset < 2) {
                // offset 0 is served, then the slave sends the reader back to the master (suggest 0)
                return pullResponse(r, ResponseCode.SUCCESS, offset + 1, 0, record(offset, "m" + offset));
            }
            return pullResponse(r, ResponseCode.PULL_NOT_FOUND, offset, 0, null);
        }, executor);
        slave.start();
        slaveAddr = "127.0.0.1:" + slave.port();

        NettyRemotingServer namesrv = server();
        namesrv.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (c, r) -> {
            String addrs = (masterInRoute ? "\"0\":\"" + masterAddr + "\"," : "") + "\"1\":\"" + slaveAddr + "\"";
            String route = "{\"brokerDatas\":[{\"brokerAddrs\":{" + addrs + "},\"brokerName\":\"broker-a\",\"cluster\":\"c\"}],"
                    + "\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":1,\"writeQueueNums\":1,\"topicSysFlag\":0}]}";
            return RemotingCommand.responseTo(r, ResponseCode.SUCCESS, null).setBody(route.getBytes(StandardCharsets.UTF_8));
        }, executor);
        namesrv.start();

        ClientConfig config = new ClientConfig().namesrvAddr("127.0.0.1:" + namesrv.port()).instanceName("slave-read")
                .clientIp("127.0.0.1").pollNameServerIntervalMillis(200);
        List<String> bodies = new ArrayList<>();
        try (LitePullConsumer consumer = new LitePullConsumer("G", config)) {
            consumer.setAutoCommit(false).assign(List.of(new MessageQueue("T", "broker-a", 0))).start();
            Deadline.await("m0 is read", Duration.ofSeconds(20), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(m -> bodies.add(new String(m.body(), StandardCharsets.UTF_8)));
                return bodies.contains("m0");
            });
            // master first, then the suggested slave, then back to the master as the slave suggested
            assertEquals(List.of("master@0", "slave@0"), List.copyOf(pulls).subList(0, 2));
            Deadline.await("the reader went back to the master", Duration.ofSeconds(20), () -> pulls.contains("master@1"));

            // the master goes away: it leaves the route and stops answering
            masterInRoute = false;
            master.close();
            Deadline.await("m1 is read from the slave", Duration.ofSeconds(30), () -> {
                for (ReceivedMessage m : consumer.poll(Duration.ofMillis(100))) {
                    bodies.add(new String(m.body(), StandardCharsets.UTF_8));
                }
                return bodies.contains("m1");
            });
        }
        assertEquals(List.of("m0", "m1"), bodies);
        assertTrue(pulls.contains("slave@1"), pulls.toString());
    }
}
