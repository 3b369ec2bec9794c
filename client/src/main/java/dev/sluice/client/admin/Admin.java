package dev.sluice.client.admin;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.BrokerCaller;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.internal.MessageDecoder;
import dev.sluice.client.internal.NameServerClient;
import dev.sluice.client.internal.NameServerList;
import dev.sluice.client.internal.QueueData;
import dev.sluice.client.internal.TopicRoute;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingException;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Administers RocketMQ-protocol clusters (Sluice or Apache RocketMQ 4.9.x): what {@code mqadmin} does, as a Java
 * API. Every call is synchronous and bounded by the timeout; failures are {@link ClientException}s that say which
 * server refused what, with its code and remark.
 */
public final class Admin implements AutoCloseable {
    public static final long DEFAULT_TIMEOUT_MILLIS = 5000;
    /** Name-server KV namespace holding {@code brokerName:queueNums;...} of ordered topics. */
    public static final String ORDER_TOPIC_NAMESPACE = "ORDER_TOPIC_CONFIG";
    public static final String RETRY_PREFIX = "%RETRY%";
    public static final String DLQ_PREFIX = "%DLQ%";

    private final NettyRemotingClient remoting;
    private final List<String> nameServerAddresses;
    private final NameServerClient nameServer;
    private final BrokerCaller brokers;
    private final long timeoutMillis;

    private Admin(List<String> nameServerAddresses, long timeoutMillis) {
        this.remoting = new NettyRemotingClient(new RemotingClientConfig());
        this.nameServerAddresses = List.copyOf(nameServerAddresses);
        this.nameServer = nameServerAddresses.isEmpty() ? null
                : new NameServerClient(remoting, new NameServerList(nameServerAddresses), timeoutMillis);
        this.brokers = new BrokerCaller(remoting);
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * @param nameServers {@code host:port} of the name servers; may be empty when only brokers addressed
     *                    directly are used
     */
    public static Admin connect(List<String> nameServers, long timeoutMillis) {
        return new Admin(nameServers, timeoutMillis);
    }

    /** Name servers from {@code "a:9876;b:9876"}, else the {@code rocketmq.namesrv.addr} property, else NAMESRV_ADDR. */
    public static Admin connect(String nameServers) {
        String text = nameServers;
        if (text == null || text.isBlank()) {
            text = System.getProperty(NameServerList.SYSTEM_PROPERTY);
        }
        if (text == null || text.isBlank()) {
            text = System.getenv(NameServerList.ENVIRONMENT_VARIABLE);
        }
        return connect(text == null ? List.of() : NameServerList.parse(text), DEFAULT_TIMEOUT_MILLIS);
    }

    public List<String> nameServerAddresses() {
        return nameServerAddresses;
    }

    // ---- name server ----

    public ClusterInfo clusterInfo() throws ClientException {
        RemotingCommand response = nameServerCall("cluster info", RequestCode.GET_BROKER_CLUSTER_INFO, Map.of());
        return parse("cluster info", () -> Bodies.clusterInfo(response.body()));
    }

    /** Every topic the name servers know (GET_ALL_TOPIC_LIST_FROM_NAMESERVER). */
    public List<String> topics() throws ClientException {
        RemotingCommand response = nameServerCall("topic list", RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, Map.of());
        return parse("topic list", () -> Bodies.stringList(response.body(), "topicList"));
    }

    /** The topic's route; a {@link ClientException} with code TOPIC_NOT_EXIST when there is none. */
    public TopicRoute topicRoute(String topic) throws ClientException {
        return TopicRoute.parse(topic, topicRouteBody(topic));
    }

    /** The topic's route as the name server sent it (TopicRouteData JSON, parsed into maps and lists). */
    public Map<String, Object> topicRouteJson(String topic) throws ClientException {
        byte[] body = topicRouteBody(topic);
        return parse("route of " + topic, () -> Json.parseObject(body));
    }

    private byte[] topicRouteBody(String topic) throws ClientException {
        RemotingCommand response = nameServer().invoke(() -> RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                .putExtField("topic", topic).putExtField("acceptStandardJsonOnly", true));
        if (response.code() == ResponseCode.TOPIC_NOT_EXIST || response.code() == ResponseCode.SUCCESS && response.body() == null) {
            throw new ClientException("no route info for topic " + topic + " (NameServers: "
                    + String.join(";", nameServerAddresses) + ")", ResponseCode.TOPIC_NOT_EXIST, response.remark(), null);
        }
        requireSuccess("route of topic " + topic, "name server", response);
        return response.body();
    }

    /** DELETE_TOPIC_IN_NAMESRV on every name server (not just one: each keeps its own routes). */
    public void deleteTopicInNameServers(String topic, String cluster) throws ClientException {
        for (String address : requireNameServers()) {
            RemotingCommand request = RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_NAMESRV).putExtField("topic", topic);
            if (cluster != null) {
                request.putExtField("clusterName", cluster);
            }
            requireSuccess("delete topic " + topic, "name server " + address, callNameServer(address, request));
        }
    }

    /** Puts a KV config entry on every name server. */
    public void putKvConfig(String namespace, String key, String value) throws ClientException {
        for (String address : requireNameServers()) {
            RemotingCommand request = RemotingCommand.request(RequestCode.PUT_KV_CONFIG)
                    .putExtField("namespace", namespace).putExtField("key", key).putExtField("value", value);
            requireSuccess("put " + namespace + "/" + key, "name server " + address, callNameServer(address, request));
        }
    }

    /** Deletes a KV config entry on every name server. */
    public void deleteKvConfig(String namespace, String key) throws ClientException {
        for (String address : requireNameServers()) {
            RemotingCommand request = RemotingCommand.request(RequestCode.DELETE_KV_CONFIG)
                    .putExtField("namespace", namespace).putExtField("key", key);
            requireSuccess("delete " + namespace + "/" + key, "name server " + address, callNameServer(address, request));
        }
    }

    /**
     * Takes the write permission of {@code brokerName}'s topics away in one name server's routes (producers then
     * avoid it), returning how many topics changed.
     */
    public int wipeWritePerm(String nameServerAddress, String brokerName) throws ClientException {
        return writePerm(RequestCode.WIPE_WRITE_PERM_OF_BROKER, "wipeTopicCount", nameServerAddress, brokerName);
    }

    /** Gives the write permission back (the inverse of {@link #wipeWritePerm}), returning how many topics changed. */
    public int addWritePerm(String nameServerAddress, String brokerName) throws ClientException {
        return writePerm(RequestCode.ADD_WRITE_PERM_OF_BROKER, "addTopicCount", nameServerAddress, brokerName);
    }

    private int writePerm(int code, String countField, String address, String brokerName) throws ClientException {
        RemotingCommand response = callNameServer(address,
                RemotingCommand.request(code).putExtField("brokerName", brokerName));
        requireSuccess("write permission change of broker " + brokerName, "name server " + address, response);
        String count = response.extField(countField);
        try {
            return count == null ? 0 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new ClientException("name server " + address + " sent a bad " + countField + ": " + count);
        }
    }

    // ---- brokers: status and configuration ----

    /** GET_BROKER_RUNTIME_INFO: the broker's status keys, sorted. */
    public SortedMap<String, String> brokerRuntimeInfo(String brokerAddr) throws ClientException {
        RemotingCommand response = brokerCall("runtime info", brokerAddr, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO));
        return parse("runtime info of " + brokerAddr, () -> Bodies.kvTable(response.body()));
    }

    /** GET_BROKER_CONFIG: every setting of the broker, sorted by name. */
    public SortedMap<String, String> brokerConfig(String brokerAddr) throws ClientException {
        RemotingCommand response = brokerCall("broker config", brokerAddr, RemotingCommand.request(RequestCode.GET_BROKER_CONFIG));
        SortedMap<String, String> config = new TreeMap<>();
        if (response.body() == null) {
            return config;
        }
        for (String line : new String(response.body(), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                config.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return config;
    }

    /**
     * GET_BROKER_CONSUME_STATS: the progress of every group on the broker's topics (only ordered topics with
     * {@code orderOnly}), answered within {@code timeoutMillis}.
     */
    public BrokerConsumeStats brokerConsumeStats(String brokerAddr, boolean orderOnly, long timeoutMillis)
            throws ClientException {
        RemotingCommand response = brokers.call(brokerAddr, brokerAddr,
                RemotingCommand.request(RequestCode.GET_BROKER_CONSUME_STATS).putExtField("isOrder", orderOnly),
                timeoutMillis);
        requireSuccess("broker consume stats", "broker at " + brokerAddr, response);
        return parse("consume stats of " + brokerAddr, () -> Bodies.brokerConsumeStats(response.body()));
    }

    /** CLEAN_EXPIRED_CONSUMEQUEUE: the broker drops ConsumeQueue files that point only below its CommitLog. */
    public void cleanExpiredConsumeQueue(String brokerAddr) throws ClientException {
        brokerCall("clean-up of expired ConsumeQueues", brokerAddr,
                RemotingCommand.request(RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE));
    }

    /** CLEAN_UNUSED_TOPIC: the broker drops the ConsumeQueues of topics it no longer has. */
    public void cleanUnusedTopic(String brokerAddr) throws ClientException {
        brokerCall("clean-up of unused topics", brokerAddr, RemotingCommand.request(RequestCode.CLEAN_UNUSED_TOPIC));
    }

    /** UPDATE_BROKER_CONFIG with {@code key=value} lines; the broker applies and persists what it accepts. */
    public void updateBrokerConfig(String brokerAddr, Map<String, String> settings) throws ClientException {
        StringBuilder body = new StringBuilder();
        settings.forEach((key, value) -> body.append(key).append('=').append(value).append('\n'));
        brokerCall("broker config update", brokerAddr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG)
                .setBody(body.toString().getBytes(StandardCharsets.UTF_8)));
    }

    // ---- topics ----

    public void createOrUpdateTopic(String brokerAddr, TopicSettings topic) throws ClientException {
        brokerCall("topic " + topic.topic(), brokerAddr, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC)
                .putExtField("topic", topic.topic())
                .putExtField("defaultTopic", "TBW102")
                .putExtField("readQueueNums", topic.readQueueNums())
                .putExtField("writeQueueNums", topic.writeQueueNums())
                .putExtField("perm", topic.perm())
                .putExtField("topicFilterType", "SINGLE_TAG")
                .putExtField("topicSysFlag", topic.topicSysFlag())
                .putExtField("order", topic.order()));
    }

    public void deleteTopicInBroker(String brokerAddr, String topic) throws ClientException {
        brokerCall("delete topic " + topic, brokerAddr,
                RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_BROKER).putExtField("topic", topic));
    }

    /** GET_TOPIC_STATS_INFO from each broker group of the route (master preferred), merged. */
    public SortedMap<MessageQueue, TopicOffset> topicStats(String topic) throws ClientException {
        TopicRoute route = topicRoute(topic);
        SortedMap<MessageQueue, TopicOffset> stats = new TreeMap<>();
        for (BrokerData broker : route.brokers().values()) {
            String addr = readAddress(broker);
            if (addr == null) {
                continue;
            }
            RemotingCommand response = brokerCall("topic stats of " + topic, addr,
                    RemotingCommand.request(RequestCode.GET_TOPIC_STATS_INFO).putExtField("topic", topic));
            stats.putAll(parse("topic stats of " + topic, () -> Bodies.topicStats(response.body())));
        }
        return stats;
    }

    /** QUERY_TOPIC_CONSUME_BY_WHO: the groups a broker knows to consume the topic. */
    public List<String> consumerGroupsOf(String brokerAddr, String topic) throws ClientException {
        RemotingCommand response = brokerCall("groups of " + topic, brokerAddr,
                RemotingCommand.request(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO).putExtField("topic", topic));
        return parse("groups of " + topic, () -> Bodies.stringList(response.body(), "groupList"));
    }

    /**
     * VIEW_BROKER_STATS_DATA: one named stat (TOPIC_PUT_NUMS by topic, GROUP_GET_NUMS by topic@group, ...); empty
     * when the broker has counted nothing under that name and key.
     */
    public Optional<BrokerStatsData> brokerStats(String brokerAddr, String name, String key) throws ClientException {
        RemotingCommand response = call(brokerAddr, brokerAddr, RemotingCommand.request(RequestCode.VIEW_BROKER_STATS_DATA)
                .putExtField("brokerAddr", brokerAddr).putExtField("statsName", name).putExtField("statsKey", key));
        if (response.code() == ResponseCode.SYSTEM_ERROR) {
            return Optional.empty();
        }
        requireSuccess("stats " + name + " of " + key, "broker at " + brokerAddr, response);
        return Optional.of(parse("stats " + name + " of " + key, () -> Bodies.brokerStats(response.body())));
    }

    // ---- consumer groups ----

    public void createOrUpdateSubscriptionGroup(String brokerAddr, SubscriptionGroupSettings group) throws ClientException {
        brokerCall("subscription group " + group.groupName(), brokerAddr,
                RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP).setBody(Json.writeBytes(group.toJson())));
    }

    /** GET_ALL_SUBSCRIPTIONGROUP_CONFIG: every consumer group configured on the broker, by name. */
    public SortedMap<String, SubscriptionGroupSettings> subscriptionGroups(String brokerAddr) throws ClientException {
        RemotingCommand response = brokerCall("subscription groups", brokerAddr,
                RemotingCommand.request(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
        return parse("subscription groups", () -> Bodies.subscriptionGroups(response.body()));
    }

    public void deleteSubscriptionGroup(String brokerAddr, String group, boolean removeOffset) throws ClientException {
        brokerCall("delete subscription group " + group, brokerAddr, RemotingCommand.request(RequestCode.DELETE_SUBSCRIPTIONGROUP)
                .putExtField("groupName", group).putExtField("removeOffset", removeOffset));
    }

    /**
     * The group's progress on every broker its retry topic is routed to (where its consumers have sent
     * heartbeats), optionally for one topic: from each group's master, or a slave while the master is away.
     */
    public ConsumeStats consumeStats(String group, String topic) throws ClientException {
        TopicRoute route = topicRoute(RETRY_PREFIX + group);
        double tps = 0;
        SortedMap<MessageQueue, QueueProgress> queues = new TreeMap<>();
        for (BrokerData broker : route.brokers().values()) {
            String addr = readAddress(broker);
            if (addr == null) {
                continue;
            }
            RemotingCommand request = RemotingCommand.request(RequestCode.GET_CONSUME_STATS).putExtField("consumerGroup", group);
            if (topic != null) {
                request.putExtField("topic", topic);
            }
            RemotingCommand response = brokerCall("consume stats of " + group, addr, request);
            ConsumeStats part = parse("consume stats of " + group, () -> Bodies.consumeStats(response.body()));
            tps += part.consumeTps();
            queues.putAll(part.queues());
        }
        return new ConsumeStats(tps, queues);
    }

    /** GET_CONSUMER_CONNECTION_LIST from a broker of the group's retry topic (any broker sees every heartbeat). */
    public ConsumerConnection consumerConnection(String group) throws ClientException {
        TopicRoute route = topicRoute(RETRY_PREFIX + group);
        ClientException last = null;
        for (BrokerData broker : route.brokers().values()) {
            String addr = readAddress(broker);
            if (addr == null) {
                continue;
            }
            try {
                return consumerConnection(addr, group);
            } catch (ClientException e) {
                last = e;
            }
        }
        throw last != null ? last : new ClientException("no broker serves consumer group " + group);
    }

    public ConsumerConnection consumerConnection(String brokerAddr, String group) throws ClientException {
        RemotingCommand response = brokerCall("connections of " + group, brokerAddr,
                RemotingCommand.request(RequestCode.GET_CONSUMER_CONNECTION_LIST).putExtField("consumerGroup", group));
        return parse("connections of " + group, () -> Bodies.consumerConnection(response.body()));
    }

    /**
     * Moves the group's offsets on {@code topic} to the first message stored at or after {@code timestampMillis}
     * (-1: the end of each queue). Only a move backwards happens unless {@code force}. When the group has online
     * members the broker computes the offsets and tells them (INVOKE_BROKER_TO_RESET_OFFSET); when none is online
     * the committed offsets are rewritten directly, as RocketMQ's tool does.
     *
     * @return the offset each queue now starts from
     */
    public SortedMap<MessageQueue, Long> resetOffsetByTime(String group, String topic, long timestampMillis, boolean force)
            throws ClientException {
        TopicRoute route = topicRoute(topic);
        SortedMap<MessageQueue, Long> result = new TreeMap<>();
        boolean offline = false;
        for (BrokerData broker : route.brokers().values()) {
            String addr = broker.masterAddress();
            if (addr == null) {
                continue;
            }
            RemotingCommand response = call(broker.brokerName(), addr, RemotingCommand.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET)
                    .putExtField("topic", topic).putExtField("group", group)
                    .putExtField("timestamp", timestampMillis).putExtField("isForce", force));
            if (response.code() == ResponseCode.CONSUMER_NOT_ONLINE) {
                offline = true;
                break;
            }
            requireSuccess("reset offset of " + group + " on " + topic, "broker " + broker.brokerName() + " at " + addr, response);
            if (response.body() != null) {
                result.putAll(parse("reset offsets", () -> Bodies.resetOffsets(response.body())));
            }
        }
        return offline ? resetOffsetOfOfflineGroup(route, group, topic, timestampMillis, force) : result;
    }

    private SortedMap<MessageQueue, Long> resetOffsetOfOfflineGroup(TopicRoute route, String group, String topic,
            long timestampMillis, boolean force) throws ClientException {
        SortedMap<MessageQueue, Long> result = new TreeMap<>();
        for (QueueData queues : route.queueDatas()) {
            BrokerData broker = route.brokers().get(queues.brokerName());
            String addr = broker == null ? null : broker.masterAddress();
            if (addr == null) {
                continue;
            }
            for (int queueId = 0; queueId < queues.readQueueNums(); queueId++) {
                long target = timestampMillis < 0
                        ? queueOffset(RequestCode.GET_MAX_OFFSET, addr, topic, queueId, Map.of())
                        : queueOffset(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, addr, topic, queueId,
                                Map.of("timestamp", String.valueOf(timestampMillis)));
                long committed = committedOffset(addr, group, topic, queueId);
                long offset = force || committed < 0 || target < committed ? target : committed;
                RemotingCommand update = RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                        .putExtField("consumerGroup", group).putExtField("topic", topic)
                        .putExtField("queueId", queueId).putExtField("commitOffset", offset);
                brokerCall("offset update of " + group, addr, update);
                result.put(new MessageQueue(topic, queues.brokerName(), queueId), offset);
            }
        }
        return result;
    }

    private long queueOffset(int code, String addr, String topic, int queueId, Map<String, String> extra)
            throws ClientException {
        RemotingCommand request = RemotingCommand.request(code).putExtField("topic", topic).putExtField("queueId", queueId);
        extra.forEach(request::putExtField);
        return longField(brokerCall("queue offset of " + topic, addr, request), "offset");
    }

    /** The group's committed offset, or -1 when the broker has none. */
    private long committedOffset(String addr, String group, String topic, int queueId) throws ClientException {
        RemotingCommand response = call(addr, addr, RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                .putExtField("consumerGroup", group).putExtField("topic", topic).putExtField("queueId", queueId));
        if (response.code() == ResponseCode.QUERY_NOT_FOUND) {
            return -1;
        }
        requireSuccess("consumer offset of " + group, "broker at " + addr, response);
        return longField(response, "offset");
    }

    // ---- messages ----

    /**
     * Messages of {@code topic} whose KEYS include {@code key}, from every broker of its route (QUERY_MESSAGE with
     * at most {@code maxNum} per broker), sorted by store time.
     */
    public List<ReceivedMessage> queryByKey(String topic, String key, int maxNum, long beginMillis, long endMillis)
            throws ClientException {
        return query(topic, key, maxNum, beginMillis, endMillis, false).stream()
                .filter(m -> m.keys() != null && List.of(m.keys().split(" ")).contains(key))
                .toList();
    }

    /** The message whose client id (UNIQ_KEY) is {@code uniqueKey}, looked up in the topic's key index. */
    public Optional<ReceivedMessage> queryByUniqueKey(String topic, String uniqueKey) throws ClientException {
        return query(topic, uniqueKey, 32, 0, Long.MAX_VALUE, true).stream()
                .filter(m -> uniqueKey.equals(m.msgId()))
                .findFirst();
    }

    private List<ReceivedMessage> query(String topic, String key, int maxNum, long beginMillis, long endMillis,
            boolean uniqueKey) throws ClientException {
        TopicRoute route = topicRoute(topic);
        List<ReceivedMessage> found = new ArrayList<>();
        for (BrokerData broker : route.brokers().values()) {
            String addr = readAddress(broker);
            if (addr == null) {
                continue;
            }
            RemotingCommand request = RemotingCommand.request(RequestCode.QUERY_MESSAGE)
                    .putExtField("topic", topic).putExtField("key", key).putExtField("maxNum", maxNum)
                    .putExtField("beginTimestamp", beginMillis).putExtField("endTimestamp", endMillis);
            if (uniqueKey) {
                request.putExtField("_UNIQUE_KEY_QUERY", "true");
            }
            RemotingCommand response = call(broker.brokerName(), addr, request);
            if (response.code() == ResponseCode.QUERY_NOT_FOUND) {
                continue;
            }
            requireSuccess("query of key " + key, "broker " + broker.brokerName() + " at " + addr, response);
            if (response.body() != null) {
                for (ReceivedMessage m : decode(response.body(), broker.brokerName())) {
                    if (topic.equals(m.topic())) {
                        found.add(m);
                    }
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.storeTimestamp(), b.storeTimestamp()));
        return found;
    }

    /** VIEW_MESSAGE_BY_ID at the broker and commit-log offset the offsetMsgId encodes. */
    public ReceivedMessage viewMessage(String offsetMsgId) throws ClientException {
        MessageDecoder.OffsetMsgId id;
        try {
            id = MessageDecoder.parseOffsetMsgId(offsetMsgId);
        } catch (IllegalArgumentException e) {
            throw new ClientException(e.getMessage(), e);
        }
        RemotingCommand response = call(id.brokerAddress(), id.brokerAddress(),
                RemotingCommand.request(RequestCode.VIEW_MESSAGE_BY_ID).putExtField("offset", id.commitLogOffset()));
        requireSuccess("message " + offsetMsgId, "broker at " + id.brokerAddress(), response);
        List<ReceivedMessage> messages = response.body() == null ? List.of() : decode(response.body(), "");
        if (messages.isEmpty()) {
            throw new ClientException("broker at " + id.brokerAddress() + " returned no message for " + offsetMsgId);
        }
        return messages.get(0);
    }

    /** The message at {@code offset} of the queue (PULL_MESSAGE of one message, no subscription filter). */
    public Optional<ReceivedMessage> messageAt(MessageQueue queue, long offset) throws ClientException {
        TopicRoute route = topicRoute(queue.topic());
        BrokerData broker = route.brokers().get(queue.brokerName());
        String addr = broker == null ? null : readAddress(broker);
        if (addr == null) {
            throw new ClientException("topic " + queue.topic() + " has no broker " + queue.brokerName() + " in its route");
        }
        RemotingCommand response = call(broker.brokerName(), addr, RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .putExtField("consumerGroup", "TOOLS_CONSUMER")
                .putExtField("topic", queue.topic())
                .putExtField("queueId", queue.queueId())
                .putExtField("queueOffset", offset)
                .putExtField("maxMsgNums", 1)
                .putExtField("sysFlag", 0x4)
                .putExtField("commitOffset", 0)
                .putExtField("suspendTimeoutMillis", 0)
                .putExtField("subscription", "*")
                .putExtField("subVersion", 0)
                .putExtField("expressionType", "TAG"));
        if (response.code() != ResponseCode.SUCCESS) {
            if (response.code() == ResponseCode.PULL_NOT_FOUND || response.code() == ResponseCode.PULL_OFFSET_MOVED
                    || response.code() == ResponseCode.PULL_RETRY_IMMEDIATELY) {
                return Optional.empty();
            }
            throw BrokerCaller.refused("pull of " + queue + " at " + offset, broker.brokerName(), addr, response);
        }
        return decode(response.body() == null ? new byte[0] : response.body(), broker.brokerName()).stream()
                .filter(m -> m.queueOffset() == offset).findFirst();
    }

    // ---- plumbing ----

    private NameServerClient nameServer() throws ClientException {
        if (nameServer == null) {
            throw noNameServer();
        }
        return nameServer;
    }

    private List<String> requireNameServers() throws ClientException {
        if (nameServerAddresses.isEmpty()) {
            throw noNameServer();
        }
        return nameServerAddresses;
    }

    private static ClientException noNameServer() {
        return new ClientException("no name server address: give -n host:port or set the "
                + NameServerList.ENVIRONMENT_VARIABLE + " environment variable");
    }

    private RemotingCommand nameServerCall(String what, int code, Map<String, String> fields) throws ClientException {
        RemotingCommand response = nameServer().invoke(() -> {
            RemotingCommand request = RemotingCommand.request(code);
            fields.forEach(request::putExtField);
            return request;
        });
        requireSuccess(what, "name server", response);
        return response;
    }

    private RemotingCommand callNameServer(String address, RemotingCommand request) throws ClientException {
        try {
            return remoting.invokeSync(address, request, timeoutMillis);
        } catch (RemotingException e) {
            throw new ClientException("name server " + address + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted while calling name server " + address, e);
        }
    }

    /** Calls a broker by address and insists on SUCCESS. */
    private RemotingCommand brokerCall(String what, String brokerAddr, RemotingCommand request) throws ClientException {
        RemotingCommand response = call(brokerAddr, brokerAddr, request);
        requireSuccess(what, "broker at " + brokerAddr, response);
        return response;
    }

    private RemotingCommand call(String brokerName, String addr, RemotingCommand request) throws ClientException {
        return brokers.call(brokerName, addr, request, timeoutMillis);
    }

    private static void requireSuccess(String what, String server, RemotingCommand response) throws ClientException {
        if (response.code() != ResponseCode.SUCCESS) {
            throw new ClientException(what + " refused by " + server + ": code " + response.code()
                    + (response.remark() == null ? "" : ", " + response.remark().trim()), response.code(), response.remark(), null);
        }
    }

    private static long longField(RemotingCommand response, String name) throws ClientException {
        String value = response.extField(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ClientException("response lacks a numeric " + name + ": " + value);
        }
    }

    /** Master first, else any slave: reads may be served by either. */
    private static String readAddress(BrokerData broker) {
        return broker.addressForRead(BrokerData.MASTER_ID);
    }

    private static List<ReceivedMessage> decode(byte[] body, String brokerName) throws ClientException {
        try {
            return MessageDecoder.decodeAll(body, brokerName);
        } catch (IllegalArgumentException e) {
            throw new ClientException(e.getMessage(), e);
        }
    }

    private interface BodyParser<T> {
        T parse();
    }

    private static <T> T parse(String what, BodyParser<T> parser) throws ClientException {
        try {
            return parser.parse();
        } catch (JsonException | NullPointerException e) {
            throw new ClientException("bad " + what + " body: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        remoting.close();
    }
}
