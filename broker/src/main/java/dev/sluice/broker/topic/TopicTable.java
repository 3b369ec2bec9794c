package dev.sluice.broker.topic;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.DataVersion;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.remoting.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every topic this broker serves, persisted to {@code config/topics.json} on each change. Creates RocketMQ's built-in
 * topics at start and, when allowed, new topics on first send from a template topic (TBW102). Each change bumps the
 * data version and calls the change hook, which re-registers the broker with the name servers.
 */
public final class TopicTable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicTable.class);
    /**
     * The longest {@link #announced} waits: a name server that is down must not hold the answer to a send past the
     * official producer's 3 s timeout, after which it sends the message again.
     */
    private static final long ANNOUNCE_WAIT_MILLIS = 1000;
    /** What {@link #announced} answers for every topic not being created: asked on each send, so made once. */
    private static final CompletableFuture<Void> ANNOUNCED = CompletableFuture.completedFuture(null);

    private final BrokerConfig config;
    private final JsonFile file;
    private final Map<String, TopicConfig> topics = new ConcurrentHashMap<>();
    private final DataVersion dataVersion = new DataVersion();
    /** Topics created on demand whose registration with the name servers has not been answered yet. */
    private final Map<String, CompletableFuture<Void>> announcing = new ConcurrentHashMap<>();
    private volatile Supplier<CompletableFuture<?>> onChange = () -> CompletableFuture.completedFuture(null);
    private volatile Function<String, CompletableFuture<?>> onPut = name -> onChange.get();

    public TopicTable(BrokerConfig config, JsonFile file) {
        this.config = config;
        this.file = file;
    }

    /** Reads topics.json, then adds the built-in topics missing from it. */
    public void load() throws IOException {
        Optional<Map<String, Object>> json = file.load();
        json.ifPresent(root -> {
            dataVersion.load(root.get("dataVersion"));
            Object table = root.get("topicConfigTable");
            if (table != null) {
                Json.asObject(table, "topicConfigTable").forEach((name, value) ->
                        topics.put(name, TopicConfig.fromJson(name, Json.asObject(value, "topic " + name))));
            }
        });
        builtIn(SystemTopics.SELF_TEST, 1, Perm.READ | Perm.WRITE);
        if (config.autoCreateTopicEnable()) {
            builtIn(SystemTopics.AUTO_CREATE_TEMPLATE, config.defaultTopicQueueNums(), Perm.READ | Perm.WRITE | Perm.INHERIT);
        }
        builtIn(SystemTopics.BENCHMARK, 1024, Perm.READ | Perm.WRITE);
        if (config.clusterTopicEnable()) {
            builtIn(config.brokerClusterName(), 16, Perm.READ | Perm.WRITE | Perm.INHERIT);
        }
        if (config.brokerTopicEnable()) {
            builtIn(config.brokerName(), 1, Perm.READ | Perm.WRITE | Perm.INHERIT);
        }
        builtIn(SystemTopics.OFFSET_MOVED_EVENT, 1, Perm.READ | Perm.WRITE);
        builtIn(SystemTopics.SCHEDULE, 18, Perm.READ | Perm.WRITE);
        builtIn(SystemTopics.replyTopic(config.brokerClusterName()), 1, Perm.READ | Perm.WRITE);
        if (config.traceTopicEnable()) {
            builtIn(config.msgTraceTopicName(), 1, Perm.READ | Perm.WRITE);
        }
        try {
            persist();
        } catch (UncheckedIOException e) {
            // A full disk must not keep the broker from starting: the file on disk is whole (written atomically),
            // and the built-in topics added here are saved with the next change.
            LOG.warn("cannot save {} at start ({}); it is saved with the next change", file.path(),
                    e.getCause().toString());
        }
        LOG.info("loaded {} topics from {}", topics.size(), file.path());
    }

    /** Runs after every change; what it returns is the change's registration with the name servers. */
    public void onChange(Supplier<CompletableFuture<?>> hook) {
        this.onChange = hook;
    }

    /** Runs after {@link #put}, given the topic, instead of the {@link #onChange} hook (which it defaults to). */
    public void onPut(Function<String, CompletableFuture<?>> hook) {
        this.onPut = hook;
    }

    public TopicConfig get(String topic) {
        return topics.get(topic);
    }

    public Collection<TopicConfig> all() {
        return topics.values();
    }

    public DataVersion dataVersion() {
        return dataVersion;
    }

    /**
     * The topic, creating it from the template {@code defaultTopic} when the broker allows auto-creation and the
     * template may be inherited; null when it neither exists nor may be created.
     */
    public TopicConfig getOrCreateForSend(String topic, String defaultTopic, int requestedQueues, int topicSysFlag) {
        TopicConfig existing = topics.get(topic);
        if (existing != null) {
            return existing;
        }
        if (SystemTopics.isRetry(topic)) {
            return getOrCreate(TopicConfig.of(topic, 1, Perm.READ | Perm.WRITE));
        }
        TopicConfig template = defaultTopic == null ? null : topics.get(defaultTopic);
        if (template == null || !Perm.inherited(template.perm())
                || (SystemTopics.AUTO_CREATE_TEMPLATE.equals(defaultTopic) && !config.autoCreateTopicEnable())) {
            return null;
        }
        int queues = Math.max(1, Math.min(requestedQueues, template.writeQueueNums()));
        TopicConfig created = new TopicConfig(topic, queues, queues, template.perm() & ~Perm.INHERIT,
                TopicConfig.SINGLE_TAG, topicSysFlag, false);
        LOG.info("auto-creating topic {} from template {}: {}", topic, defaultTopic, created);
        return getOrCreate(created);
    }

    /** The existing topic, or {@code candidate} added (see {@link #announced}). */
    public TopicConfig getOrCreate(TopicConfig candidate) {
        String name = candidate.topicName();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] announced = new CompletableFuture[1];
        TopicConfig result = topics.computeIfAbsent(name, n -> {
            // in place before the topic is visible, so a request finding it finds this too
            announced[0] = new CompletableFuture<>();
            announcing.put(n, announced[0]);
            return candidate;
        });
        if (announced[0] != null) {
            CompletableFuture<?> registered;
            try {
                registered = changed();
            } catch (UncheckedIOException e) {
                // A consumer's retry topic is created on its pull or heartbeat: on a full disk it must still be
                // served, and the name servers still told.
                LOG.warn("cannot save {} ({}); topic {} is kept in memory and saved with the next change",
                        file.path(), e.getCause().toString(), name);
                registered = onChange.get();
            }
            registered.whenComplete((ignored, error) -> {
                announcing.remove(name, announced[0]);
                announced[0].complete(null);
            });
        }
        return result;
    }

    /**
     * Completes once the name servers answered a registration carrying {@code topic}, when {@link #getOrCreate}
     * created it just now (at once otherwise), or after a second at most. RocketMQ's broker registers a topic it
     * creates for a send or a heartbeat before it answers that request, so the client's next route lookup (a
     * consumer started right after the first send) finds the topic.
     */
    public CompletableFuture<Void> announced(String topic) {
        CompletableFuture<Void> pending = announcing.get(topic);
        return pending == null ? ANNOUNCED
                : pending.copy().completeOnTimeout(null, ANNOUNCE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** @return the change's registration with the name servers (see {@link #onChange}) */
    public CompletableFuture<?> put(TopicConfig topic) {
        topics.put(topic.topicName(), topic);
        return changed(topic.topicName());
    }

    /** @return whether the topic existed */
    public boolean remove(String topic) {
        boolean existed = topics.remove(topic) != null;
        if (existed) {
            changed();
        }
        return existed;
    }

    /**
     * Marks every topic changed without changing one, e.g. when the broker's permission changed: name servers only
     * re-read a broker's topics when their data version moved.
     */
    public void touch() {
        changed();
    }

    /**
     * Slave: takes the master's table ({@link #toJson()} shape) when its data version differs from ours, so the slave
     * serves the master's topics; returns whether anything changed.
     */
    public synchronized boolean replaceFrom(Map<String, Object> master) {
        DataVersion theirs = new DataVersion();
        theirs.load(master.get("dataVersion"));
        if (theirs.toJson().equals(dataVersion.toJson())) {
            return false;
        }
        Map<String, TopicConfig> table = new java.util.HashMap<>();
        Json.asObject(master.getOrDefault("topicConfigTable", Map.of()), "topicConfigTable").forEach((name, value) ->
                table.put(name, TopicConfig.fromJson(name, Json.asObject(value, "topic " + name))));
        topics.keySet().retainAll(table.keySet());
        topics.putAll(table);
        dataVersion.load(master.get("dataVersion"));
        persist();
        onChange.get();
        return true;
    }

    /** {@code {"dataVersion":..,"topicConfigTable":{..}}}: the file content, the registration and admin body. */
    public Map<String, Object> toJson() {
        // The version is read first. A change lands in the map before it bumps the version, so the topics read after
        // are at least as new as the version says. A name server re-reads topics only when the version moved, so it
        // must never get a new version with old topics: the change's own registration would then look unchanged.
        Map<String, Object> version = dataVersion.toJson();
        Map<String, Object> table = new TreeMap<>();
        topics.forEach((name, t) -> table.put(name, t.toJson()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataVersion", version);
        json.put("topicConfigTable", table);
        return json;
    }

    private void builtIn(String name, int queues, int perm) {
        topics.putIfAbsent(name, TopicConfig.of(name, queues, perm));
    }

    private CompletableFuture<?> changed() {
        return changed(null);
    }

    /** @param put the topic {@link #put} changed, or null */
    private synchronized CompletableFuture<?> changed(String put) {
        dataVersion.next();
        persist();
        return put == null ? onChange.get() : onPut.apply(put);
    }

    private void persist() {
        try {
            file.write(Json.write(toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.path(), e);
        }
    }
}
