package dev.sluice.client.consumer;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls the queues this member owns (long polling) and feeds a listener. Clustering members share the queues
 * (rebalanced every 20 s, when a broker reports the group changed, and when a route changes); broadcasting members
 * each read everything and keep their offsets in a local file. Offsets are committed every 5 s and on close.
 */
public final class PushConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushConsumer.class);
    private static final long REBALANCE_INTERVAL_MILLIS = 20_000;
    private static final long LOCK_INTERVAL_MILLIS = 20_000;
    private static final long LOCK_VALID_MILLIS = 30_000;
    private static final long PULL_RETRY_MILLIS = 3000;
    private static final long FLOW_CONTROL_RETRY_MILLIS = 50;
    private static final long MISSING_ROUTE_RETRY_MILLIS = 1000;
    private static final long NO_PROGRESS_RETRY_MILLIS = 100;
    private static final long FORCED_HEARTBEAT_MIN_GAP_MILLIS = 1000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String group;
    private final ClientConfig config;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private MessageModel model = MessageModel.CLUSTERING;
    private ConsumeFrom consumeFrom = ConsumeFrom.LAST_OFFSET;
    private long consumeTimestampMillis = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(30);
    private int consumeThreads = 20;
    private int pullBatchSize = 32;
    private int consumeBatchSize = 1;
    private int pullThresholdForQueue = 1000;
    private long pullThresholdSizeForQueueBytes = 100L * 1024 * 1024;
    /** -1: 16 for concurrent listeners, unlimited for orderly ones (as RocketMQ). */
    private int maxReconsumeTimes = -1;
    private long suspendMillis = 1000;
    private Path offsetStoreDir = Path.of(System.getProperty("user.home"), ".rocketmq_offsets");
    private ConcurrentListener concurrentListener;
    private OrderlyListener orderlyListener;

    private volatile boolean running;
    private ClientRuntime runtime;
    private Puller puller;
    private Rebalancer rebalancer;
    private OffsetStore offsets;
    private QueueLocks locks;
    private RetrySender retries;
    private ExecutorService consumeExecutor;
    private Consumption consumption;
    private final Map<MessageQueue, ProcessQueue> queues = new ConcurrentHashMap<>();
    private final AtomicBoolean rebalanceRetryPending = new AtomicBoolean();
    private final AtomicLong lastForcedHeartbeat = new AtomicLong();
    private final ConsumeStats stats = new ConsumeStats();
    private long startedMillis;
    private String clientIp;

    public PushConsumer(String group, ClientConfig config) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("consumer group must not be empty");
        }
        this.group = group;
        this.config = config;
    }

    /** Subscribes {@code topic} with a tag expression ("*", "TagA || TagB"). */
    public synchronized PushConsumer subscribe(String topic, String tagExpression) {
        subscriptions.put(topic, Subscription.of(topic, tagExpression));
        return this;
    }

    /** Subscribes {@code topic} with an SQL92 selector over message properties (the broker needs enablePropertyFilter). */
    public synchronized PushConsumer subscribeSql(String topic, String selector) {
        subscriptions.put(topic, Subscription.of(topic, TagExpression.sql(selector)));
        return this;
    }

    public synchronized PushConsumer setConcurrentListener(ConcurrentListener listener) {
        this.concurrentListener = listener;
        this.orderlyListener = null;
        return this;
    }

    public synchronized PushConsumer setOrderlyListener(OrderlyListener listener) {
        this.orderlyListener = listener;
        this.concurrentListener = null;
        return this;
    }

    public PushConsumer setMessageModel(MessageModel model) {
        this.model = model;
        return this;
    }

    public PushConsumer setConsumeFrom(ConsumeFrom consumeFrom) {
        this.consumeFrom = consumeFrom;
        return this;
    }

    /** For {@link ConsumeFrom#TIMESTAMP}: start at the first message stored at or after this time. */
    public PushConsumer setConsumeTimestamp(long epochMillis) {
        this.consumeTimestampMillis = epochMillis;
        return this;
    }

    public PushConsumer setConsumeThreads(int threads) {
        this.consumeThreads = inRange("consumeThreads", threads, 1, 1000);
        return this;
    }

    public PushConsumer setPullBatchSize(int size) {
        this.pullBatchSize = inRange("pullBatchSize", size, 1, 1024);
        return this;
    }

    public PushConsumer setConsumeBatchSize(int size) {
        this.consumeBatchSize = inRange("consumeBatchSize", size, 1, 1024);
        return this;
    }

    /** Stop pulling a queue while it has this many fetched, unprocessed messages. */
    public PushConsumer setPullThresholdForQueue(int messages) {
        this.pullThresholdForQueue = inRange("pullThresholdForQueue", messages, 1, 65535);
        return this;
    }

    /** Stop pulling a queue while its fetched, unprocessed bodies take this many bytes. */
    public PushConsumer setPullThresholdSizeForQueue(long bytes) {
        this.pullThresholdSizeForQueueBytes = inRange("pullThresholdSizeForQueue", bytes, 1, 1024L << 20);
        return this;
    }

    /**
     * Redeliveries of a failed message before it goes to %DLQ%group; -1 (the default) means 16 for concurrent
     * listeners and unlimited for orderly ones.
     */
    public PushConsumer setMaxReconsumeTimes(int times) {
        this.maxReconsumeTimes = times;
        return this;
    }

    /** Orderly listeners: how long a suspended queue waits before the same messages come again. */
    public PushConsumer setSuspendMillis(long millis) {
        this.suspendMillis = millis;
        return this;
    }

    /** Broadcasting: the directory of the local offset files ({@code <dir>/<clientId>/<group>/offsets.json}). */
    public PushConsumer setOffsetStoreDir(Path dir) {
        this.offsetStoreDir = dir;
        return this;
    }

    public String group() {
        return group;
    }

    /**
     * Whose local offsets a broadcasting consumer keeps: {@code ip@instanceName}, or {@code ip@DEFAULT} when the
     * instance name is the default (the process id, new with every start), so a restarted consumer finds its file,
     * as RocketMQ's does (it keeps the name DEFAULT when broadcasting).
     */
    private String localOffsetsId() {
        String id = runtime.clientId();
        boolean defaultName = config.instanceName().equals(String.valueOf(ProcessHandle.current().pid()));
        return defaultName ? id.substring(0, id.lastIndexOf('@') + 1) + "DEFAULT" : id;
    }

    /** RocketMQ's client checks the same ranges at start; out of them a setting is refused at once, naming it. */
    private static int inRange(String name, int value, int min, int max) {
        return (int) inRange(name, (long) value, min, max);
    }

    private static long inRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** @throws ClientException when a broker refuses an SQL92 subscription (see {@link #subscribeSql}) */
    public synchronized PushConsumer start() throws ClientException {
        if (runtime != null) {
            throw new IllegalStateException("consumer " + group + " already started");
        }
        if (concurrentListener == null && orderlyListener == null) {
            throw new IllegalStateException("consumer " + group + " has no listener");
        }
        if (subscriptions.isEmpty()) {
            throw new IllegalStateException("consumer " + group + " subscribes no topic");
        }
        if (model == MessageModel.CLUSTERING) {
            subscriptions.put(RetrySender.retryTopic(group), Subscription.of(RetrySender.retryTopic(group), "*"));
        }
        runtime = SelectorCheck.runtimeFor(config, group, subscriptions.values());
        puller = new Puller(runtime, group);
        rebalancer = new Rebalancer(runtime, group, model);
        offsets = model == MessageModel.CLUSTERING ? new BrokerOffsetStore(runtime, group)
                : new FileOffsetStore(offsetStoreDir.resolve(localOffsetsId().replace(':', '_')).resolve(group)
                        .resolve("offsets.json"));
        locks = new QueueLocks(runtime, group);
        int maxRetries = maxReconsumeTimes >= 0 ? maxReconsumeTimes
                : concurrentListener != null ? 16 : Integer.MAX_VALUE;
        retries = new RetrySender(runtime, group, maxRetries);
        consumeExecutor = new ThreadPoolExecutor(consumeThreads, consumeThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "sluice-consume-" + group + "-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        consumption = concurrentListener != null
                ? new ConcurrentConsumption(concurrentListener, consumeExecutor, runtime.scheduler(), consumeBatchSize,
                        model, retries, offsets, stats)
                : new OrderlyConsumption(orderlyListener, consumeExecutor, runtime.scheduler(), consumeBatchSize,
                        model == MessageModel.CLUSTERING, suspendMillis, offsets, retries, maxRetries, stats);
        startedMillis = System.currentTimeMillis();
        clientIp = runtime.clientAddress().getHostAddress();
        ConsumerCalls calls = new ConsumerCalls(group, this::runningProperties, this::subscriptionData, queues, stats,
                consumption);
        runtime.remoting().registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO,
                (connection, request) -> calls.runningInfo(request), runtime.scheduler());
        runtime.remoting().registerProcessor(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT,
                (connection, request) -> calls.offsets(request), runtime.scheduler());
        // the listener runs on a consume thread, as for pulled messages, so a slow one cannot stall pulls
        runtime.remoting().registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY,
                (connection, request) -> calls.consumeDirectly(request), consumeExecutor);
        runtime.every(ConsumeStats.SAMPLE_MILLIS, "sampling consume stats of " + group,
                () -> stats.sample(System.currentTimeMillis()));
        running = true;
        runtime.joinConsumerGroup(group, subscriptions.keySet(), this::consumerData, this::rebalanceSoon);
        runtime.onOffsetReset((resetGroup, topic, newOffsets) -> {
            if (resetGroup.equals(group)) {
                resetOffsets(topic, newOffsets);
            }
        });
        runtime.routes().addChangeListener((topic, route) -> {
            if (subscriptions.containsKey(topic)) {
                rebalanceSoon();
            }
        });
        runtime.every(REBALANCE_INTERVAL_MILLIS, "rebalance of " + group, this::rebalance);
        runtime.every(config.persistOffsetIntervalMillis(), "committing offsets of " + group, this::persistOffsets);
        if (orderlyListener != null && model == MessageModel.CLUSTERING) {
            runtime.every(LOCK_INTERVAL_MILLIS, "relocking queues of " + group, this::relock);
        }
        rebalanceSoon();
        return this;
    }

    private List<Map<String, Object>> subscriptionData() {
        List<Map<String, Object>> subs = new ArrayList<>();
        subscriptions.values().forEach(s -> subs.add(s.expression().toSubscriptionData(s.topic(), s.version())));
        return subs;
    }

    /** The settings under RocketMQ's DefaultMQPushConsumer property names, and the PROP_ entries of its running info. */
    private Map<String, String> runningProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("consumerGroup", group);
        p.put("messageModel", model.name());
        p.put("consumeFromWhere", consumeFrom.wireName());
        p.put("consumeTimestamp", ConsumerCalls.consumeTimestamp(consumeTimestampMillis));
        p.put("consumeThreadMin", String.valueOf(consumeThreads));
        p.put("consumeThreadMax", String.valueOf(consumeThreads));
        p.put("pullBatchSize", String.valueOf(pullBatchSize));
        p.put("consumeMessageBatchMaxSize", String.valueOf(consumeBatchSize));
        p.put("pullThresholdForQueue", String.valueOf(pullThresholdForQueue));
        p.put("pullThresholdSizeForQueue", String.valueOf(pullThresholdSizeForQueueBytes / (1024 * 1024)));
        p.put("maxReconsumeTimes", String.valueOf(maxReconsumeTimes));
        p.put("suspendCurrentQueueTimeMillis", String.valueOf(suspendMillis));
        p.put("PROP_CONSUMEORDERLY", String.valueOf(orderlyListener != null));
        p.put("PROP_THREADPOOL_CORE_SIZE", String.valueOf(consumeThreads));
        return ConsumerCalls.withClientProperties(p, config, clientIp, "CONSUME_PASSIVELY", startedMillis);
    }

    private Map<String, Object> consumerData() {
        List<Map<String, Object>> subs = subscriptionData();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("consumeFromWhere", consumeFrom.wireName());
        data.put("consumeType", "CONSUME_PASSIVELY");
        data.put("groupName", group);
        data.put("messageModel", model.name());
        data.put("subscriptionDataSet", subs);
        data.put("unitMode", false);
        return data;
    }

    private void rebalanceSoon() {
        try {
            runtime.scheduler().execute(this::rebalance);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The queues this member reads now. */
    public Set<MessageQueue> assignedQueues() {
        return new TreeSet<>(queues.keySet());
    }

    /** Fetched messages not yet processed, over every queue (what flow control bounds); for monitoring. */
    public long bufferedMessageCount() {
        long total = 0;
        for (ProcessQueue pq : queues.values()) {
            total += pq.bufferedCount();
        }
        return total;
    }

    private synchronized void rebalance() {
        if (!running) {
            return;
        }
        boolean skipped = false;
        for (String topic : subscriptions.keySet()) {
            Set<MessageQueue> target;
            try {
                target = rebalancer.queuesFor(topic);
            } catch (ClientException e) {
                LOG.debug("rebalance of {} for {} skipped: {}", topic, group, e.getMessage());
                skipped = true;
                continue;
            }
            for (ProcessQueue pq : new ArrayList<>(queues.values())) {
                if (pq.queue.topic().equals(topic) && !target.contains(pq.queue)) {
                    removeQueue(pq);
                }
            }
            Set<MessageQueue> added = new HashSet<>(target);
            added.removeAll(queues.keySet());
            if (added.isEmpty()) {
                continue;
            }
            Set<MessageQueue> usable = added;
            if (orderlyListener != null && model == MessageModel.CLUSTERING) {
                usable = locks.lock(added);
            }
            for (MessageQueue mq : usable) {
                addQueue(mq);
            }
        }
        if (skipped) {
            // a topic without a route yet (e.g. %RETRY%group until the broker has the heartbeat): look again soon
            // rather than at the next periodic rebalance
            retryRebalanceSoon();
        }
    }

    private void retryRebalanceSoon() {
        if (rebalanceRetryPending.compareAndSet(false, true)) {
            try {
                runtime.scheduler().schedule(() -> {
                    rebalanceRetryPending.set(false);
                    rebalance();
                }, MISSING_ROUTE_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void addQueue(MessageQueue mq) {
        long start;
        try {
            start = StartOffsets.of(runtime, mq, offsets, consumeFrom, consumeTimestampMillis);
        } catch (ClientException e) {
            LOG.warn("cannot start reading {}: {}", mq, e.getMessage());
            return;
        }
        ProcessQueue pq = new ProcessQueue(mq, start);
        pq.lockedUntil(System.currentTimeMillis() + LOCK_VALID_MILLIS);
        queues.put(mq, pq);
        pull(pq);
    }

    private void removeQueue(ProcessQueue pq) {
        pq.drop();
        queues.remove(pq.queue, pq);
        offsets.update(pq.queue, pq.tracker.committable());
        offsets.persist(List.of(pq.queue));
        offsets.forget(pq.queue);
        if (orderlyListener != null && model == MessageModel.CLUSTERING) {
            // wait for a batch in progress so the next owner does not overlap it
            try {
                if (pq.consumeLock.tryLock(1, TimeUnit.SECONDS)) {
                    pq.consumeLock.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            locks.unlock(List.of(pq.queue));
        }
    }

    /**
     * A broker moved the group's offsets (mqadmin resetOffsetByTime): every owned queue of the topic is dropped and
     * read again from its new offset, which is committed at once.
     */
    private synchronized void resetOffsets(String topic, Map<MessageQueue, Long> newOffsets) {
        if (!running) {
            return;
        }
        for (ProcessQueue old : new ArrayList<>(queues.values())) {
            Long offset = newOffsets.get(old.queue);
            if (!old.queue.topic().equals(topic) || offset == null) {
                continue;
            }
            old.drop();
            LOG.info("offset of {} reset from {} to {}", old.queue, old.tracker.committable(), offset);
            offsets.update(old.queue, offset);
            offsets.persist(List.of(old.queue));
            ProcessQueue fresh = new ProcessQueue(old.queue, offset);
            fresh.lockedUntil(System.currentTimeMillis() + LOCK_VALID_MILLIS);
            queues.put(old.queue, fresh);
            pull(fresh);
        }
    }

    private void relock() {
        List<ProcessQueue> owned = new ArrayList<>(queues.values());
        Set<MessageQueue> granted = locks.lock(owned.stream().map(pq -> pq.queue).toList());
        long until = System.currentTimeMillis() + LOCK_VALID_MILLIS;
        for (ProcessQueue pq : owned) {
            pq.lockedUntil(granted.contains(pq.queue) ? until : 0);
        }
    }

    private void pull(ProcessQueue pq) {
        if (!running || pq.isDropped()) {
            return;
        }
        if (pq.bufferedCount() > pullThresholdForQueue || pq.bufferedBytes() > pullThresholdSizeForQueueBytes) {
            pullLater(pq, FLOW_CONTROL_RETRY_MILLIS);
            return;
        }
        Subscription subscription = subscriptions.get(pq.queue.topic());
        long commitOffset = model == MessageModel.CLUSTERING ? pq.tracker.committable() : 0;
        long pulledAt = System.currentTimeMillis();
        pq.pulledAt(pulledAt);
        puller.pull(pq.queue, pq.nextOffset(), pullBatchSize, subscription, false, commitOffset, pq.suggestedBrokerId(),
                        Puller.SUSPEND_MILLIS, 0)
                .whenCompleteAsync((result, failure) -> onPulled(pq, pulledAt, result, failure), runtime.scheduler());
    }

    private void pullLater(ProcessQueue pq, long delayMillis) {
        try {
            runtime.scheduler().schedule(() -> pull(pq), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void onPulled(ProcessQueue pq, long pulledAt, PullResult result, Throwable failure) {
        if (!running || pq.isDropped()) {
            return;
        }
        if (failure != null) {
            LOG.debug("pulling {} failed: {}", pq.queue, failure.toString());
            pullLater(pq, PULL_RETRY_MILLIS);
            return;
        }
        switch (result.code()) {
            case ResponseCode.SUCCESS -> {
                pq.suggestedBrokerId(result.suggestWhichBrokerId());
                pq.nextOffset(result.nextBeginOffset());
                pq.tracker.fetched(result.offsets(), result.nextBeginOffset());
                if (!result.messages().isEmpty()) {
                    long now = System.currentTimeMillis();
                    stats.pulled(pq.queue.topic(), result.messages().size(), now - pulledAt, now);
                    pq.buffered(result.messages());
                    consumption.submit(pq, result.messages());
                }
                pull(pq);
            }
            case ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY -> {
                boolean noProgress = result.code() == ResponseCode.PULL_RETRY_IMMEDIATELY
                        && result.nextBeginOffset() == pq.nextOffset();
                pq.suggestedBrokerId(result.suggestWhichBrokerId());
                pq.nextOffset(result.nextBeginOffset());
                pq.tracker.advanceTo(result.nextBeginOffset());
                if (noProgress) {
                    // e.g. a slave without slaveReadEnable: asking again at once would spin
                    pullLater(pq, NO_PROGRESS_RETRY_MILLIS);
                } else {
                    pull(pq);
                }
            }
            case ResponseCode.PULL_OFFSET_MOVED -> {
                LOG.warn("offset {} of {} is no longer valid; continuing at {}", pq.nextOffset(), pq.queue,
                        result.nextBeginOffset());
                pq.nextOffset(result.nextBeginOffset());
                pq.tracker.reset(result.nextBeginOffset());
                offsets.update(pq.queue, result.nextBeginOffset());
                offsets.persist(List.of(pq.queue));
                pull(pq);
            }
            case 215 -> pullLater(pq, 20);
            case ResponseCode.SUBSCRIPTION_NOT_EXIST, ResponseCode.SUBSCRIPTION_NOT_LATEST -> {
                // the broker does not know our subscription (e.g. it restarted): tell it now, not at the next heartbeat
                heartbeatSoon();
                pullLater(pq, PULL_RETRY_MILLIS);
            }
            default -> {
                LOG.debug("pull of {} refused: code {}, {}", pq.queue, result.code(), result.remark());
                pullLater(pq, PULL_RETRY_MILLIS);
            }
        }
    }

    private void heartbeatSoon() {
        long now = System.currentTimeMillis();
        long last = lastForcedHeartbeat.get();
        if (now - last >= FORCED_HEARTBEAT_MIN_GAP_MILLIS && lastForcedHeartbeat.compareAndSet(last, now)) {
            runtime.scheduler().execute(runtime.heartbeats()::sendToAll);
        }
    }

    private void persistOffsets() {
        for (ProcessQueue pq : queues.values()) {
            if (!pq.isDropped()) {
                offsets.update(pq.queue, pq.tracker.committable());
            }
        }
        offsets.persist(new ArrayList<>(queues.keySet()));
    }

    /** Stops pulling, lets running listeners finish (up to 10 s), commits offsets and leaves the group. */
    @Override
    public synchronized void close() {
        if (runtime == null) {
            return;
        }
        running = false;
        consumeExecutor.shutdown();
        try {
            consumeExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumeExecutor.shutdownNow();
        persistOffsets();
        for (ProcessQueue pq : queues.values()) {
            pq.drop();
        }
        if (orderlyListener != null && model == MessageModel.CLUSTERING) {
            locks.unlock(new ArrayList<>(queues.keySet()));
        }
        queues.clear();
        runtime.heartbeats().unregister(null, group);
        retries.close();
        runtime.close();
        runtime = null;
    }
}
