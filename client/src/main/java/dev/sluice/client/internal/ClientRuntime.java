package dev.sluice.client.internal;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.config.AddressServer;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one producer, consumer or admin client runs on: its network client, name servers, route cache, broker
 * calls, id generator and a small scheduler for periodic work. {@link #close()} stops all of it.
 */
public final class ClientRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientRuntime.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ClientConfig config;
    private final String clientId;
    private final InetAddress clientAddress;
    private final RemotingClient remoting;
    private final NameServerClient nameServer;
    private final RouteCache routes;
    private final BrokerCaller brokers;
    private final ScheduledExecutorService scheduler;
    private final HeartbeatSender heartbeats;
    private final UniqueIdGenerator ids;
    private final List<Consumer<String>> consumerIdsChangedListeners = new CopyOnWriteArrayList<>();
    private final List<OffsetResetListener> offsetResetListeners = new CopyOnWriteArrayList<>();
    private final ReplyWaiters replies = new ReplyWaiters();

    public ClientRuntime(ClientConfig config) {
        this.config = config;
        String configured = NameServerList.configured(config.namesrvAddr());
        AddressServer addressServer = configured.isEmpty() ? AddressServer.fromSystemProperties() : null;
        NameServerList nameServers = new NameServerList(addressServer == null
                ? NameServerList.parse(configured) : AddressServerLookup.fetch(addressServer));
        this.clientAddress = resolveClientAddress(config.clientIp());
        this.clientId = clientAddress.getHostAddress() + "@" + config.instanceName();
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sluice-client-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.remoting = new NettyRemotingClient(new RemotingClientConfig());
        this.nameServer = new NameServerClient(remoting, nameServers, config.requestTimeoutMillis());
        this.routes = new RouteCache(nameServer, Duration.ofMillis(config.pollNameServerIntervalMillis()), scheduler);
        this.brokers = new BrokerCaller(remoting);
        remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (connection, request) -> {
            String group = request.extField("consumerGroup");
            if (group != null) {
                consumerIdsChangedListeners.forEach(listener -> listener.accept(group));
            }
            return null;
        }, scheduler);
        remoting.registerProcessor(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (connection, request) -> {
            String group = request.extField("group");
            String topic = request.extField("topic");
            if (group != null && topic != null && request.body() != null) {
                Map<MessageQueue, Long> offsets = parseResetOffsets(request.body());
                offsetResetListeners.forEach(listener -> listener.reset(group, topic, offsets));
            }
            return request.isOneway() ? null : RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, scheduler);
        remoting.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
                (connection, request) -> replies.pushed(connection.remoteAddress(), request), scheduler);
        this.ids = UniqueIdGenerator.forThisProcess(clientAddress);
        this.heartbeats = new HeartbeatSender(this);
        every(config.heartbeatIntervalMillis(), "heartbeat", heartbeats::sendToAll);
        scheduler.scheduleWithFixedDelay(this::refreshRoutes, config.pollNameServerIntervalMillis(),
                config.pollNameServerIntervalMillis(), TimeUnit.MILLISECONDS);
        if (addressServer != null) {
            scheduler.scheduleWithFixedDelay(new AddressServerLookup(addressServer, nameServers),
                    AddressServerLookup.PERIOD_MILLIS, AddressServerLookup.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void refreshRoutes() {
        try {
            routes.refreshAll();
        } catch (RuntimeException e) {
            LOG.warn("refreshing topic routes failed", e);
        }
    }

    static InetAddress resolveClientAddress(String configured) {
        try {
            if (configured != null) {
                return InetAddress.getByName(configured);
            }
            InetAddress fallback = InetAddress.getLoopbackAddress();
            for (var nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (var address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        if (address.isSiteLocalAddress()) {
                            return address;
                        }
                        fallback = address;
                    }
                }
            }
            return fallback;
        } catch (UnknownHostException | SocketException e) {
            throw new IllegalArgumentException("cannot determine the client IP address: " + e.getMessage(), e);
        }
    }

    public ClientConfig config() {
        return config;
    }

    /** {@code ip@instanceName}, how brokers tell clients apart. */
    public String clientId() {
        return clientId;
    }

    public InetAddress clientAddress() {
        return clientAddress;
    }

    public RemotingClient remoting() {
        return remoting;
    }

    public NameServerClient nameServer() {
        return nameServer;
    }

    public RouteCache routes() {
        return routes;
    }

    public BrokerCaller brokers() {
        return brokers;
    }

    /** Generates UNIQ_KEY message ids. */
    public UniqueIdGenerator ids() {
        return ids;
    }

    /** Requests waiting for the replies brokers push to this client. */
    public ReplyWaiters replies() {
        return replies;
    }

    public HeartbeatSender heartbeats() {
        return heartbeats;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public long timeoutMillis() {
        return config.requestTimeoutMillis();
    }

    /**
     * Makes a consumer group known: looks up its topics' routes (a topic without one yet is only logged; the periodic
     * refresh finds it later), heartbeats {@code data} to every broker now and from then on, and runs
     * {@code onMembersChanged} when a broker says the group's members changed.
     */
    public void joinConsumerGroup(String group, Collection<String> topics, Supplier<Map<String, Object>> data,
                                  Runnable onMembersChanged) {
        for (String topic : topics) {
            try {
                routes().find(topic);
            } catch (ClientException e) {
                LOG.warn("no route for {} yet: {}", topic, e.getMessage());
            }
        }
        heartbeats().addConsumer(group, data);
        heartbeats().sendToAll();
        onConsumerIdsChanged(changed -> {
            if (changed.equals(group)) {
                onMembersChanged.run();
            }
        });
    }

    /** Runs {@code listener} (on the scheduler) when a broker says the members of a consumer group changed. */
    public void onConsumerIdsChanged(Consumer<String> listener) {
        consumerIdsChangedListeners.add(listener);
    }

    /** Runs {@code listener} (on the scheduler) when a broker tells the group to move its offsets (mqadmin resetOffsetByTime). */
    public void onOffsetReset(OffsetResetListener listener) {
        offsetResetListeners.add(listener);
    }

    /** Hears RESET_CONSUMER_CLIENT_OFFSET. */
    @FunctionalInterface
    public interface OffsetResetListener {
        void reset(String group, String topic, Map<MessageQueue, Long> offsets);
    }

    /** ResetOffsetBody {@code {"offsetTable":{MessageQueue:offset}}}, whose keys are MessageQueue objects. */
    static Map<MessageQueue, Long> parseResetOffsets(byte[] body) {
        Map<MessageQueue, Long> offsets = new HashMap<>();
        Object table = Json.parseObject(body).get("offsetTable");
        if (table == null) {
            return offsets;
        }
        for (Map.Entry<String, Object> e : Json.asObject(table, "offsetTable").entrySet()) {
            Map<String, Object> q = Json.parseObject(e.getKey().getBytes(StandardCharsets.UTF_8));
            offsets.put(new MessageQueue(Json.asString(q.get("topic"), "topic"), Json.asString(q.get("brokerName"), "brokerName"),
                    Json.asInt(q.get("queueId"), "queueId")), Json.asLong(e.getValue(), "offset"));
        }
        return offsets;
    }

    /** Runs {@code task} every {@code periodMillis}, logging (not propagating) its failures so it keeps running. */
    public void every(long periodMillis, String what, ThrowingTask task) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (Exception e) {
                LOG.warn("{} failed: {}", what, e.toString());
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** A periodic task that may fail. */
    @FunctionalInterface
    public interface ThrowingTask {
        void run() throws Exception;
    }

    /** The master address of a broker group, looked up in the cached route of {@code topic}. */
    public String masterAddress(String topic, String brokerName) throws ClientException {
        String address = routes.route(topic).masterAddress(brokerName);
        if (address == null) {
            routes.invalidate(topic);
            address = routes.route(topic).masterAddress(brokerName);
        }
        if (address == null) {
            throw new ClientException("broker group " + brokerName + " of topic " + topic + " has no master now");
        }
        return address;
    }

    /**
     * Where a group's offsets on {@code brokerName} are read and committed: its master, else a slave, which keeps
     * them while the master is away (as the official client does).
     */
    public String offsetAddress(String topic, String brokerName) throws ClientException {
        try {
            return masterAddress(topic, brokerName);
        } catch (ClientException noMaster) {
            BrokerData broker = routes.route(topic).brokers().get(brokerName);
            String slave = broker == null ? null : broker.addressForRead(BrokerData.MASTER_ID);
            if (slave == null) {
                throw noMaster;
            }
            return slave;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        remoting.close();
    }
}
