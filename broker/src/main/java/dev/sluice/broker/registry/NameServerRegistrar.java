package dev.sluice.broker.registry;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this broker in the routes of every name server of {@code namesrvAddr}: REGISTER_BROKER with all topic
 * configs at start, periodically, and whenever topics change; UNREGISTER_BROKER at clean shutdown.
 */
public final class NameServerRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(NameServerRegistrar.class);

    private final BrokerConfig config;
    private final TopicTable topics;
    private final RemotingClient client;
    private final String brokerAddr;
    private final String haServerAddr;
    private volatile BiConsumer<String, String> onMaster = (masterAddr, masterHaAddr) -> { };
    private boolean roundOut;
    private CompletableFuture<Void> nextRound;
    /** The topics the next round carries alone, or null when it carries every topic. */
    private Set<String> nextRoundTopics;
    /** Each topic as the last round that carried it had it: rounds run one at a time, so no lock. */
    private final Map<String, TopicConfig> announced = new HashMap<>();
    /** Set when a name server did not take a round: what it carried counts as never carried. */
    private volatile boolean roundMissed;
    /** The data version the last round carried. Rounds run one at a time, so no lock. */
    private Object lastVersion;

    public NameServerRegistrar(BrokerConfig config, TopicTable topics, RemotingClient client, int listenPort, int haPort) {
        this.config = config;
        this.topics = topics;
        this.client = client;
        this.brokerAddr = config.brokerIP1() + ":" + listenPort;
        this.haServerAddr = config.brokerIP2() + ":" + haPort;
    }

    public String brokerAddr() {
        return brokerAddr;
    }

    /**
     * Told, after each successful registration, the master address and master HA address the name server answered
     * (set for a slave whose master is registered; either may be null).
     */
    public void onMaster(BiConsumer<String, String> listener) {
        this.onMaster = listener;
    }

    /**
     * Registers with every name server in parallel, one round at a time: a call while a round is out is answered by
     * the next round, which starts when the current one ends and reads the topics then. RocketMQ's broker serialises
     * its rounds the same way. Two rounds out at once could reach a name server in either order, and it keeps
     * whichever it handled last. The result completes when a round started after this call has ended, i.e. every name
     * server answered it or failed (failures are logged).
     */
    public CompletableFuture<Void> registerAll() {
        return register(null);
    }

    /**
     * Registers {@code topic} alone, as RocketMQ's broker does after mqadmin updateTopic: a name server re-reads only
     * that topic, so what its operator changed of the others (wipeWritePerm) stays. Queued as {@link #registerAll}'s
     * rounds are; a round that carries every topic covers it.
     */
    public CompletableFuture<Void> registerTopic(String topic) {
        return register(Set.of(topic));
    }

    /** @param only the topics to carry, or null for every topic */
    private CompletableFuture<Void> register(Set<String> only) {
        synchronized (this) {
            if (roundOut) {
                if (nextRound == null) {
                    nextRound = new CompletableFuture<>();
                    nextRoundTopics = only == null ? null : new TreeSet<>(only);
                } else if (nextRoundTopics != null) {
                    if (only == null) {
                        nextRoundTopics = null;
                    } else {
                        nextRoundTopics.addAll(only);
                    }
                }
                return nextRound;
            }
            roundOut = true;
        }
        return startRound(only);
    }

    /** Outside the monitor: building the body reads the topic table, whose change hook calls {@link #registerAll}. */
    private CompletableFuture<Void> startRound(Set<String> only) {
        CompletableFuture<Void> round;
        try {
            round = sendRound(only);
        } catch (RuntimeException e) {
            // The round still ends, or no registration would ever be sent again.
            LOG.error("cannot build the registration", e);
            round = CompletableFuture.completedFuture(null);
        }
        round.whenComplete((ignored, error) -> roundEnded());
        return round;
    }

    private void roundEnded() {
        CompletableFuture<Void> waiting;
        Set<String> only;
        synchronized (this) {
            waiting = nextRound;
            only = nextRoundTopics;
            nextRound = null;
            nextRoundTopics = null;
            roundOut = waiting != null;
        }
        if (waiting != null) {
            startRound(only).whenComplete((ignored, error) -> waiting.complete(null));
        }
    }

    private CompletableFuture<Void> sendRound(Set<String> only) {
        byte[] body = registerBody(only);
        CRC32 crc = new CRC32();
        crc.update(body);
        long bodyCrc = crc.getValue() & 0x7FFFFFFF;
        List<String> addrs = config.namesrvAddrs();
        CompletableFuture<?>[] calls = new CompletableFuture<?>[addrs.size()];
        for (int i = 0; i < calls.length; i++) {
            String namesrv = addrs.get(i);
            RemotingCommand request = identify(RemotingCommand.request(RequestCode.REGISTER_BROKER))
                    .putExtField("haServerAddr", haServerAddr)
                    .putExtField("compressed", config.compressedRegister())
                    .putExtField("bodyCrc32", bodyCrc)
                    .setBody(body);
            calls[i] = client.invokeAsync(namesrv, request, config.registerBrokerTimeoutMills())
                    .handle((response, error) -> {
                        if (error != null) {
                            roundMissed = true;
                            LOG.warn("registering with name server {} failed: {}", namesrv, error.toString());
                        } else if (response.code() != ResponseCode.SUCCESS) {
                            roundMissed = true;
                            LOG.warn("name server {} refused the registration: {} {}", namesrv, response.code(),
                                    response.remark());
                        } else {
                            LOG.debug("registered with name server {}", namesrv);
                            onMaster.accept(response.extField("masterAddr"), response.extField("haServerAddr"));
                        }
                        return null;
                    });
        }
        return CompletableFuture.allOf(calls);
    }

    /**
     * How long a {@link #registerAll} result may take with every name server silent: the round already out, then
     * the one that carries the caller's change, each bounded by {@code registerBrokerTimeoutMills}, and a second
     * for the timers.
     */
    public static long longestWaitMillis(BrokerConfig config) {
        return 2 * config.registerBrokerTimeoutMills() + 1000;
    }

    /** Tells every name server this broker is leaving, waiting at most the registration timeout for each. */
    public void unregisterAll() {
        for (String namesrv : config.namesrvAddrs()) {
            try {
                client.invokeSync(namesrv, identify(RemotingCommand.request(RequestCode.UNREGISTER_BROKER)),
                        config.registerBrokerTimeoutMills());
                LOG.info("unregistered from name server {}", namesrv);
            } catch (Exception e) {
                LOG.warn("unregistering from name server {} failed: {}", namesrv, e.toString());
            }
        }
    }

    private RemotingCommand identify(RemotingCommand request) {
        return request.putExtField("brokerAddr", brokerAddr)
                .putExtField("brokerId", config.brokerId())
                .putExtField("brokerName", config.brokerName())
                .putExtField("clusterName", config.brokerClusterName());
    }

    /**
     * RegisterBrokerBody: JSON, or with compressedRegister RocketMQ's deflated form (which, as RocketMQ's, carries each
     * topic's name, queues, permission and filter type, not its order or sys flag). A broker that is not both
     * readable and writable (maintenance) registers every topic with its own permission, so clients stop sending
     * (or pulling) there.
     *
     * <p>A round for some topics carries, besides them, every topic changed since a round last carried it. It carries
     * the table's version, and a name server re-reads topics only when that moved: a topic changed just before this
     * round read the version, whose own round comes next with the same version, would never be read (concurrent
     * updateTopic calls lost topics from the routes for good).
     *
     * <p>After a round some name server did not take, the next carries every topic: the rounds after it carry
     * newer versions, so that name server would never read what the missed round alone carried.
     */
    private byte[] registerBody(Set<String> only) {
        if (roundMissed) {
            roundMissed = false;
            announced.clear();
        }
        int brokerPerm = config.brokerPermission();
        boolean restricted = !(Perm.readable(brokerPerm) && Perm.writeable(brokerPerm));
        Map<String, Object> wrapper = topics.toJson(); // the version first: the topics read after are as new
        if (only != null && wrapper.get("dataVersion").equals(lastVersion)) {
            // A name server ignores a round whose version it has seen. Topics put after the last round read the
            // table, whose own changes have not moved the version yet, would be lost with this round, and then
            // count as carried (concurrent updateTopic calls right after a start lost 1-4 of 400 topics).
            topics.dataVersion().next();
            wrapper = topics.toJson();
        }
        lastVersion = wrapper.get("dataVersion");
        List<TopicConfig> registered = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (TopicConfig t : topics.all()) {
            present.add(t.topicName());
            if (only == null || only.contains(t.topicName()) || !t.equals(announced.get(t.topicName()))) {
                registered.add(restricted ? t.withPerm(brokerPerm) : t);
                announced.put(t.topicName(), t);
            }
        }
        announced.keySet().retainAll(present);
        if (config.compressedRegister()) {
            return compressed(Json.write(wrapper.get("dataVersion")), registered);
        }
        if (restricted || only != null) {
            Map<String, Object> table = new TreeMap<>();
            registered.forEach(t -> table.put(t.topicName(), t.toJson()));
            wrapper.put("topicConfigTable", table);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("filterServerList", List.of());
        body.put("topicConfigSerializeWrapper", wrapper);
        return Json.write(body).getBytes(StandardCharsets.UTF_8);
    }

    /** Deflated: [len][DataVersion JSON] [count] ([len]["name read write perm filterType"])* [len][filter servers]. */
    private static byte[] compressed(String dataVersion, List<TopicConfig> topics) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes, deflater))) {
            writeBlock(out, dataVersion);
            out.writeInt(topics.size());
            for (TopicConfig t : topics) {
                writeBlock(out, t.topicName() + " " + t.readQueueNums() + " " + t.writeQueueNums() + " " + t.perm()
                        + " " + t.topicFilterType());
            }
            writeBlock(out, "[]");
        } catch (IOException e) {
            throw new UncheckedIOException("deflating into memory cannot fail", e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    private static void writeBlock(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
