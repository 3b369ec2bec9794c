package dev.sluice.client.consumer;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application pulls: {@link #poll(Duration)} returns what background pulls fetched from the queues this consumer
 * reads, either the ones it was {@link #assign assigned} or its clustering share of {@link #subscribe subscribed}
 * topics (before or after start). {@link #seek} moves a queue's position. Offsets of polled messages are committed
 * every 5 s (auto commit) or by {@link #commitSync()}.
 */
public final class LitePullConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LitePullConsumer.class);
    private static final long REBALANCE_INTERVAL_MILLIS = 20_000;
    private static final long PULL_RETRY_MILLIS = 1000;
    private static final long FLOW_CONTROL_RETRY_MILLIS = 50;
    private static final long NO_PROGRESS_RETRY_MILLIS = 100;

    private final String group;
    private final ClientConfig config;
    /** Replaced whole on each change: heartbeats and pulls read it without this consumer's lock. */
    private volatile Map<String, Subscription> subscriptions = Map.of();
    private final Set<MessageQueue> assigned = new TreeSet<>();
    private ConsumeFrom consumeFrom = ConsumeFrom.LAST_OFFSET;
    private long consumeTimestampMillis = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(30);
    private int pullBatchSize = 10;
    private int pullThresholdForQueue = 1000;
    private boolean autoCommit = true;

    private volatile boolean running;
    /** Whether this consumer has joined its group (on start, or on its first subscription after start). */
    private boolean joined;
    private ClientRuntime runtime;
    private Puller puller;
    private Rebalancer rebalancer;
    private OffsetStore offsets;
    private final Map<MessageQueue, LiteQueue> queues = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Fetched> fetched = new LinkedBlockingQueue<>();
    private long startedMillis;
    private String clientIp;

    public LitePullConsumer(String group, ClientConfig config) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("consumer group must not be empty");
        }
        this.group = group;
        this.config = config;
    }

    /**
     * Reads {@code topic}'s messages whose tag matches, replacing an earlier subscription of it. After start, the
     * brokers hear of it at once and this consumer takes its share of the topic's queues.
     */
    public synchronized LitePullConsumer subscribe(String topic, String tagExpression) {
        return subscribe(Subscription.of(topic, tagExpression));
    }

    /**
     * Subscribes {@code topic} with an SQL92 selector over message properties (the broker needs enablePropertyFilter).
     *
     * @throws ClientException after start, when a broker refuses the selector (before start, {@link #start} throws)
     */
    public synchronized LitePullConsumer subscribeSql(String topic, String selector) throws ClientException {
        Subscription subscription = Subscription.of(topic, TagExpression.sql(selector));
        if (runtime != null) {
            SelectorCheck.inBrokers(runtime, group, List.of(subscription));
        }
        return subscribe(subscription);
    }

    private LitePullConsumer subscribe(Subscription subscription) {
        if (!assigned.isEmpty()) {
            throw new IllegalStateException("a consumer either subscribes or is assigned queues, not both");
        }
        Map<String, Subscription> changed = new LinkedHashMap<>(subscriptions);
        changed.put(subscription.topic(), subscription);
        subscriptions = Collections.unmodifiableMap(changed);
        if (running) {
            if (joined) {
                runtime.heartbeats().sendToAll();
                runtime.scheduler().execute(this::rebalance);
            } else {
                join();
            }
        }
        return this;
    }

    /** Reads exactly these queues (all messages: no tag filter), starting at the group's committed offsets. */
    public synchronized LitePullConsumer assign(Collection<MessageQueue> queuesToRead) {
        if (!subscriptions.isEmpty()) {
            throw new IllegalStateException("a consumer either subscribes or is assigned queues, not both");
        }
        assigned.clear();
        assigned.addAll(queuesToRead);
        if (running) {
            updateQueues(Set.copyOf(assigned), null);
        }
        return this;
    }

    public LitePullConsumer setConsumeFrom(ConsumeFrom consumeFrom) {
        this.consumeFrom = consumeFrom;
        return this;
    }

    public LitePullConsumer setConsumeTimestamp(long epochMillis) {
        this.consumeTimestampMillis = epochMillis;
        return this;
    }

    public LitePullConsumer setPullBatchSize(int size) {
        this.pullBatchSize = size;
        return this;
    }

    public LitePullConsumer setPullThresholdForQueue(int messages) {
        this.pullThresholdForQueue = messages;
        return this;
    }

    public LitePullConsumer setAutoCommit(boolean autoCommit) {
        this.autoCommit = autoCommit;
        return this;
    }

    /** @throws ClientException when a broker refuses an SQL92 subscription (see {@link #subscribeSql}) */
    public synchronized LitePullConsumer start() throws ClientException {
        if (runtime != null) {
            throw new IllegalStateException("consumer " + group + " already started");
        }
        runtime = SelectorCheck.runtimeFor(config, group, subscriptions.values());
        puller = new Puller(runtime, group);
        rebalancer = new Rebalancer(runtime, group, MessageModel.CLUSTERING);
        offsets = new BrokerOffsetStore(runtime, group);
        startedMillis = System.currentTimeMillis();
        clientIp = runtime.clientAddress().getHostAddress();
        ConsumerCalls calls = new ConsumerCalls(group, this::runningProperties, this::subscriptionData, Map.of(),
                new ConsumeStats(), null);
        runtime.remoting().registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO,
                (connection, request) -> calls.runningInfo(request), runtime.scheduler());
        runtime.remoting().registerProcessor(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT,
                (connection, request) -> calls.offsets(request), runtime.scheduler());
        runtime.remoting().registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY,
                (connection, request) -> calls.consumeDirectly(request), runtime.scheduler());
        running = true;
        if (!subscriptions.isEmpty()) {
            join();
        } else {
            updateQueues(Set.copyOf(assigned), null);
        }
        if (autoCommit) {
            runtime.every(config.persistOffsetIntervalMillis(), "committing offsets of " + group, this::commitSync);
        }
        return this;
    }

    private void join() {
        joined = true;
        runtime.joinConsumerGroup(group, subscriptions.keySet(), this::consumerData,
                () -> runtime.scheduler().execute(this::rebalance));
        runtime.every(REBALANCE_INTERVAL_MILLIS, "rebalance of " + group, this::rebalance);
        runtime.scheduler().execute(this::rebalance);
    }

    /** The queues of {@code topic} (to pick some for {@link #assign}). */
    public List<MessageQueue> fetchMessageQueues(String topic) throws ClientException {
        return runtime().routes().route(topic).readableQueues();
    }

    private ClientRuntime runtime() {
        ClientRuntime r = runtime;
        if (r == null) {
            throw new IllegalStateException("consumer " + group + " is not started");
        }
        return r;
    }

    private List<Map<String, Object>> subscriptionData() {
        List<Map<String, Object>> subs = new ArrayList<>();
        subscriptions.values().forEach(s -> subs.add(s.expression().toSubscriptionData(s.topic(), s.version())));
        return subs;
    }

    /** The settings under RocketMQ's DefaultLitePullConsumer property names, and the PROP_ entries. */
    private Map<String, String> runningProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("consumerGroup", group);
        p.put("messageModel", MessageModel.CLUSTERING.name());
        p.put("consumeFromWhere", consumeFrom.wireName());
        p.put("consumeTimestamp", ConsumerCalls.consumeTimestamp(consumeTimestampMillis));
        p.put("pullBatchSize", String.valueOf(pullBatchSize));
        p.put("pullThresholdForQueue", String.valueOf(pullThresholdForQueue));
        p.put("autoCommit", String.valueOf(autoCommit));
        return ConsumerCalls.withClientProperties(p, config, clientIp, "CONSUME_ACTIVELY", startedMillis);
    }

    private Map<String, Object> consumerData() {
        List<Map<String, Object>> subs = subscriptionData();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("consumeFromWhere", consumeFrom.wireName());
        data.put("consumeType", "CONSUME_ACTIVELY");
        data.put("groupName", group);
        data.put("messageModel", MessageModel.CLUSTERING.name());
        data.put("subscriptionDataSet", subs);
        data.put("unitMode", false);
        return data;
    }

    private synchronized void rebalance() {
        if (!running) {
            return;
        }
        for (String topic : subscriptions.keySet()) {
            try {
                updateQueues(rebalancer.queuesFor(topic), topic);
            } catch (ClientException e) {
                LOG.debug("rebalance of {} for {} skipped: {}", topic, group, e.getMessage());
            }
        }
    }

    /** Makes {@code target} the queues read (of {@code topic}, or of every topic when null). */
    private synchronized void updateQueues(Set<MessageQueue> target, String topic) {
        for (LiteQueue q : new ArrayList<>(queues.values())) {
            if ((topic == null || q.queue.topic().equals(topic)) && !target.contains(q.queue)) {
                q.dropped = true;
                queues.remove(q.queue);
                offsets.update(q.queue, q.consumed.get());
                offsets.persist(List.of(q.queue));
                offsets.forget(q.queue);
            }
        }
        Set<MessageQueue> added = new HashSet<>(target);
        added.removeAll(queues.keySet());
        // Every start offset first (each is a broker call), then the queues, then their pulls: whoever polls a message
        // of this rebalance sees all of its queues in assignment(). Before, the first queue's messages could be polled
        // while the next queue's start offset was still being asked for.
        List<LiteQueue> starting = new ArrayList<>();
        for (MessageQueue mq : added) {
            try {
                starting.add(new LiteQueue(mq, StartOffsets.of(runtime, mq, offsets, consumeFrom, consumeTimestampMillis)));
            } catch (ClientException e) {
                LOG.warn("cannot start reading {}: {}", mq, e.getMessage());
            }
        }
        starting.forEach(q -> queues.put(q.queue, q));
        starting.forEach(q -> pull(q, q.generation.get()));
    }

    /** The queues read now. */
    public Set<MessageQueue> assignment() {
        return new TreeSet<>(queues.keySet());
    }

    /**
     * Fetched messages, waiting up to {@code timeout} for some; empty when none came. The messages of one call come
     * from one queue, in queue order.
     */
    public List<ReceivedMessage> poll(Duration timeout) throws InterruptedException {
        runtime();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            Fetched batch = remaining <= 0 ? fetched.poll() : fetched.poll(remaining, TimeUnit.NANOSECONDS);
            if (batch == null) {
                return List.of();
            }
            LiteQueue q = batch.queue;
            q.buffered.addAndGet(-batch.messages.size());
            if (q.dropped || batch.generation != q.generation.get()) {
                continue; // the queue moved away or was seeked since this was fetched
            }
            q.consumed.set(batch.messages.get(batch.messages.size() - 1).queueOffset() + 1);
            return Consumption.asSent(batch.messages);
        }
    }

    /** The next {@link #poll} of {@code queue} starts at {@code offset} (between the queue's min and max offsets). */
    public void seek(MessageQueue queue, long offset) throws ClientException {
        LiteQueue q = queues.get(queue);
        if (q == null) {
            throw new IllegalStateException("queue " + queue + " is not read by this consumer; read: " + assignment());
        }
        long min = StartOffsets.minOffset(runtime(), queue);
        long max = StartOffsets.maxOffset(runtime(), queue);
        if (offset < min || offset > max) {
            throw new IllegalArgumentException("offset " + offset + " of " + queue + " is outside [" + min + ", " + max + "]");
        }
        int generation;
        synchronized (q) {
            generation = q.generation.incrementAndGet();
            q.nextPull = offset;
            q.consumed.set(offset);
        }
        pull(q, generation);
    }

    /** The position the next poll of {@code queue} continues from (after the last polled message). */
    public long committed(MessageQueue queue) throws ClientException {
        return offsets.read(queue);
    }

    /** Commits, for every queue read, the offset after the last polled message. */
    public void commitSync() {
        for (LiteQueue q : queues.values()) {
            offsets.update(q.queue, q.consumed.get());
        }
        offsets.persist(new ArrayList<>(queues.keySet()));
    }

    private void pull(LiteQueue q, int generation) {
        if (!running || q.dropped || generation != q.generation.get()) {
            return;
        }
        if (q.buffered.get() > pullThresholdForQueue) {
            pullLater(q, generation, FLOW_CONTROL_RETRY_MILLIS);
            return;
        }
        Subscription subscription = subscriptions.getOrDefault(q.queue.topic(),
                new Subscription(q.queue.topic(), TagExpression.parse("*"), 0));
        long offset = q.nextPull;
        puller.pull(q.queue, offset, pullBatchSize, subscription, true, 0, q.suggestedBrokerId, Puller.SUSPEND_MILLIS,
                        Puller.FLAG_LITE_PULL)
                .whenCompleteAsync((result, failure) -> onPulled(q, generation, result, failure), runtime.scheduler());
    }

    private void pullLater(LiteQueue q, int generation, long delayMillis) {
        try {
            runtime.scheduler().schedule(() -> pull(q, generation), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void onPulled(LiteQueue q, int generation, PullResult result, Throwable failure) {
        if (!running || q.dropped || generation != q.generation.get()) {
            return;
        }
        if (failure != null) {
            LOG.debug("pulling {} failed: {}", q.queue, failure.toString());
            pullLater(q, generation, PULL_RETRY_MILLIS);
            return;
        }
        switch (result.code()) {
            case ResponseCode.SUCCESS, ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY,
                    ResponseCode.PULL_OFFSET_MOVED -> {
                boolean noProgress;
                synchronized (q) {
                    if (generation != q.generation.get()) {
                        return;
                    }
                    noProgress = result.code() == ResponseCode.PULL_RETRY_IMMEDIATELY
                            && result.nextBeginOffset() == q.nextPull;
                    q.suggestedBrokerId = result.suggestWhichBrokerId();
                    q.nextPull = result.nextBeginOffset();
                    if (!result.messages().isEmpty()) {
                        q.buffered.addAndGet(result.messages().size());
                        fetched.add(new Fetched(q, generation, result.messages()));
                    }
                }
                if (noProgress) {
                    pullLater(q, generation, NO_PROGRESS_RETRY_MILLIS); // asking again at once would spin
                } else {
                    pull(q, generation);
                }
            }
            default -> {
                LOG.debug("pull of {} refused: code {}, {}", q.queue, result.code(), result.remark());
                pullLater(q, generation, PULL_RETRY_MILLIS);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (runtime == null) {
            return;
        }
        if (autoCommit) {
            commitSync();
        }
        running = false;
        queues.values().forEach(q -> q.dropped = true);
        if (joined) {
            runtime.heartbeats().unregister(null, group);
        }
        runtime.close();
        runtime = null;
        joined = false;
    }

    /** One queue's read position; a seek starts a new generation so fetches made before it are discarded. */
    private static final class LiteQueue {
        final MessageQueue queue;
        final AtomicInteger generation = new AtomicInteger();
        final AtomicLong consumed;
        final AtomicLong buffered = new AtomicLong();
        volatile long nextPull;
        volatile long suggestedBrokerId;
        volatile boolean dropped;

        LiteQueue(MessageQueue queue, long start) {
            this.queue = queue;
            this.nextPull = start;
            this.consumed = new AtomicLong(start);
        }
    }

    private record Fetched(LiteQueue queue, int generation, List<ReceivedMessage> messages) {
    }
}
