package dev.sluice.jmh.load;

import dev.sluice.client.internal.BodyCompression;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.SysFlag;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.DataFormatException;

/**
 * Speaks the RocketMQ protocol with Sluice's own remoting client: route look-up at the name server,
 * SEND_MESSAGE_V2, PULL_MESSAGE and GET_MAX_OFFSET at the brokers, as the official client does.
 */
final class SluiceDriver implements Driver {
    private static final long TIMEOUT_MILLIS = 3000;
    private static final String GROUP = "sluice_load_tool";

    private final RemotingClient client;
    private final String nameServer;
    private final String bornProperties;

    SluiceDriver(String nameServer) {
        this.nameServer = nameServer.split(";")[0].trim();
        this.client = new NettyRemotingClient(new RemotingClientConfig().ioThreads(2));
        this.bornProperties = "WAIT\u0001true";
    }

    @Override
    public void createTopic(String topic, int queues) throws Exception {
        RemotingCommand info = client.invokeSync(nameServer,
                RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), TIMEOUT_MILLIS);
        check(info, "cluster info");
        Map<String, Object> brokers = Json.asObject(Json.parseObject(info.body()).get("brokerAddrTable"),
                "brokerAddrTable");
        for (Object broker : brokers.values()) {
            Map<String, Object> addrs = Json.asObject(Json.asObject(broker, "broker").get("brokerAddrs"), "brokerAddrs");
            Object master = addrs.get("0");
            if (master == null) {
                continue;
            }
            RemotingCommand create = RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC)
                    .putExtField("topic", topic).putExtField("defaultTopic", "TBW102")
                    .putExtField("readQueueNums", queues).putExtField("writeQueueNums", queues)
                    .putExtField("perm", 6).putExtField("topicFilterType", "SINGLE_TAG")
                    .putExtField("topicSysFlag", 0).putExtField("order", false);
            check(client.invokeSync(Json.asString(master, "master address"), create, TIMEOUT_MILLIS), "create topic");
        }
    }

    @Override
    public List<Queue> queues(String topic) throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                .putExtField("topic", topic);
        RemotingCommand response = client.invokeSync(nameServer, request, TIMEOUT_MILLIS);
        if (response.code() == ResponseCode.TOPIC_NOT_EXIST) {
            return List.of();
        }
        check(response, "route of " + topic);
        Map<String, Object> route = Json.parseObject(response.body());
        List<Queue> queues = new ArrayList<>();
        for (Object q : (List<?>) route.get("queueDatas")) {
            Map<String, Object> queueData = Json.asObject(q, "queueData");
            String name = Json.asString(queueData.get("brokerName"), "brokerName");
            int writable = Json.asInt(queueData.get("writeQueueNums"), "writeQueueNums");
            String master = masterOf(route, name);
            if (master == null || (Json.asInt(queueData.get("perm"), "perm") & 2) == 0) {
                continue;
            }
            for (int i = 0; i < writable; i++) {
                queues.add(new Queue(name, master, i));
            }
        }
        return queues;
    }

    private static String masterOf(Map<String, Object> route, String brokerName) {
        for (Object b : (List<?>) route.get("brokerDatas")) {
            Map<String, Object> data = Json.asObject(b, "brokerData");
            if (brokerName.equals(data.get("brokerName"))) {
                Object master = Json.asObject(data.get("brokerAddrs"), "brokerAddrs").get("0");
                return master == null ? null : Json.asString(master, "master address");
            }
        }
        return null;
    }

    @Override
    public CompletableFuture<Void> send(String topic, Queue queue, byte[] body, SendMode mode) {
        RemotingCommand request = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .putExtField("a", GROUP).putExtField("b", topic).putExtField("c", "TBW102")
                .putExtField("d", 4).putExtField("e", queue.queueId()).putExtField("f", 0)
                .putExtField("g", System.currentTimeMillis()).putExtField("h", 0)
                .putExtField("i", bornProperties).putExtField("j", 0).putExtField("k", false)
                .putExtField("m", false).setBody(body);
        try {
            switch (mode) {
                case ONEWAY -> {
                    client.invokeOneway(queue.brokerAddress(), request, TIMEOUT_MILLIS);
                    return CompletableFuture.completedFuture(null);
                }
                case SYNC -> {
                    check(client.invokeSync(queue.brokerAddress(), request, TIMEOUT_MILLIS), "send");
                    return CompletableFuture.completedFuture(null);
                }
                default -> {
                    return client.invokeAsync(queue.brokerAddress(), request, TIMEOUT_MILLIS)
                            .thenAccept(r -> check(r, "send"));
                }
            }
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Pulled pull(String topic, Queue queue, long offset, int max) throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .putExtField("consumerGroup", GROUP).putExtField("topic", topic)
                .putExtField("queueId", queue.queueId()).putExtField("queueOffset", offset)
                .putExtField("maxMsgNums", max).putExtField("sysFlag", 0x4).putExtField("commitOffset", 0)
                .putExtField("suspendTimeoutMillis", 0).putExtField("subscription", "*")
                .putExtField("subVersion", System.currentTimeMillis()).putExtField("expressionType", "TAG");
        RemotingCommand response = client.invokeSync(queue.brokerAddress(), request, TIMEOUT_MILLIS);
        long next = response.extField("nextBeginOffset") == null ? offset
                : Long.parseLong(response.extField("nextBeginOffset"));
        if (response.code() != ResponseCode.SUCCESS) {
            if (response.code() == ResponseCode.PULL_NOT_FOUND || response.code() == ResponseCode.PULL_RETRY_IMMEDIATELY
                    || response.code() == ResponseCode.PULL_OFFSET_MOVED) {
                return new Pulled(List.of(), next);
            }
            check(response, "pull");
        }
        List<byte[]> bodies = new ArrayList<>();
        ByteBuffer records = ByteBuffer.wrap(response.body());
        for (int at = 0; at < records.limit(); at += MessageRecordDescriptor.totalSize(records, at)) {
            DecodedMessage m = MessageCodec.decode(records, at);
            bodies.add(body(m.body(), m.sysFlag()));
        }
        return new Pulled(bodies, next);
    }

    /** The body as sent: the official producer compresses bodies of 4 KiB and over, and its run id is inside. */
    static byte[] body(byte[] stored, int sysFlag) throws DataFormatException {
        return (sysFlag & SysFlag.COMPRESSED) != 0 ? BodyCompression.decompress(stored, sysFlag) : stored;
    }

    @Override
    public long maxOffset(String topic, Queue queue) throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                .putExtField("topic", topic).putExtField("queueId", queue.queueId());
        RemotingCommand response = client.invokeSync(queue.brokerAddress(), request, TIMEOUT_MILLIS);
        check(response, "max offset");
        return Long.parseLong(response.extField("offset"));
    }

    private static void check(RemotingCommand response, String what) {
        if (response.code() != ResponseCode.SUCCESS) {
            throw new IllegalStateException(what + " failed: code " + response.code() + " " + response.remark());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
