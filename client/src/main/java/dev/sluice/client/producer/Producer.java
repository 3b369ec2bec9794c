package dev.sluice.client.producer;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.Message;
import dev.sluice.client.MessageProperty;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.BodyCompression;
import dev.sluice.client.internal.BrokerCaller;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.client.internal.FaultAvoidance;
import dev.sluice.client.internal.QueueData;
import dev.sluice.client.internal.TopicRoute;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Sends messages to the topic's broker groups: sync (retried on another group), async, oneway, batch, to a queue the
 * caller selects, as a request awaiting a reply, or in a transaction. Use one per producer group; {@link #close()}
 * releases its connections and threads.
 */
public final class Producer implements AutoCloseable {
    /** Broker codes after which the send is tried again on another broker group (spec §8.2). */
    private static final Set<Integer> RETRIABLE_CODES = Set.of(ResponseCode.TOPIC_NOT_EXIST,
            ResponseCode.SERVICE_NOT_AVAILABLE, ResponseCode.SYSTEM_ERROR, ResponseCode.NO_PERMISSION, 204, 205);
    private static final Pattern TOPIC = Pattern.compile("^[%|a-zA-Z0-9_-]+$");
    private static final int MAX_TOPIC_LENGTH = 127;
    /** The system topics RocketMQ's client refuses to send to. */
    private static final Set<String> NOT_SENDABLE = Set.of("SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC",
            "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT",
            "rmq_sys_wheel_timer");

    private final String group;
    private final ClientConfig config;
    /** Read by sending threads without the lock; close() clears it. */
    private volatile ClientRuntime runtime;
    private FaultAvoidance faults;
    private final Map<String, QueueRoundRobin> roundRobins = new ConcurrentHashMap<>();
    private final Set<String> announcedTopics = ConcurrentHashMap.newKeySet();
    private long sendTimeoutMillis = 3000;
    private int retryTimesWhenSendFailed = 2;
    private int retryTimesWhenSendAsyncFailed = 2;
    private int compressBodyOverBytes = 4096;
    private int compressLevel = BodyCompression.DEFAULT_LEVEL;
    private int maxMessageSize = 4 * 1024 * 1024;
    private TransactionListener transactionListener;
    private boolean sendLatencyFaultEnable;
    private Transactions transactions;
    private ExecutorService checkExecutor;

    public Producer(String group, ClientConfig config) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("producer group must not be empty");
        }
        this.group = group;
        this.config = config;
    }

    public Producer setSendTimeoutMillis(long sendTimeoutMillis) {
        this.sendTimeoutMillis = sendTimeoutMillis;
        return this;
    }

    public Producer setRetryTimesWhenSendFailed(int retries) {
        this.retryTimesWhenSendFailed = retries;
        return this;
    }

    public Producer setRetryTimesWhenSendAsyncFailed(int retries) {
        this.retryTimesWhenSendAsyncFailed = retries;
        return this;
    }

    /**
     * Whether a broker group that did not answer, or answered slowly, is avoided for a while (up to 10 minutes after
     * a timeout; RocketMQ's latency ladder). Off by default, as RocketMQ's: then only a send's own retry goes to
     * another group. Set before {@link #start}.
     */
    public synchronized Producer setSendLatencyFaultEnable(boolean enable) {
        if (runtime != null) {
            throw new IllegalStateException("set the fault avoidance of producer " + group + " before it starts");
        }
        this.sendLatencyFaultEnable = enable;
        return this;
    }

    /** Bodies of at least this many bytes are sent zlib-compressed (batches never are). */
    public Producer setCompressBodyOverBytes(int bytes) {
        this.compressBodyOverBytes = bytes;
        return this;
    }

    public Producer setMaxMessageSize(int bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    /**
     * Makes this a transactional producer, before {@link #start}: {@link #sendInTransaction} runs the listener's local
     * transaction, and brokers asking about a transaction left UNKNOWN get the listener's check, run on a thread of
     * this producer's own.
     */
    public synchronized Producer setTransactionListener(TransactionListener listener) {
        if (runtime != null) {
            throw new IllegalStateException("set the transaction listener of producer " + group + " before it starts");
        }
        this.transactionListener = listener;
        return this;
    }

    public synchronized Producer start() {
        if (runtime != null) {
            throw new IllegalStateException("producer " + group + " already started");
        }
        faults = sendLatencyFaultEnable ? new FaultAvoidance(System::currentTimeMillis) : FaultAvoidance.off();
        ClientRuntime started = new ClientRuntime(config);
        started.heartbeats().addProducerGroup(group);
        if (transactionListener != null) {
            transactions = new Transactions(started, group, transactionListener, sendTimeoutMillis);
            checkExecutor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "sluice-transaction-check-" + group);
                thread.setDaemon(true);
                return thread;
            });
            started.remoting().registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, transactions::checked, checkExecutor);
        }
        runtime = started; // the volatile write publishes faults to sending threads too
        return this;
    }

    private ClientRuntime runtime() {
        ClientRuntime r = runtime;
        if (r == null) {
            throw new IllegalStateException("producer " + group + " is not started");
        }
        return r;
    }

    public String group() {
        return group;
    }

    /** The runtime this producer runs on (its client id, route cache); for the client's own consumers. */
    public ClientRuntime clientRuntime() {
        return runtime();
    }

    /** Sends to a queue chosen round-robin, retrying up to {@code retryTimesWhenSendFailed} times on other groups. */
    public SendResult send(Message message) throws ClientException {
        return send(message, 0);
    }

    private SendResult send(Message message, int extraSysFlag) throws ClientException {
        Outgoing outgoing = prepare(message, extraSysFlag);
        long start = System.currentTimeMillis();
        PublishRoute route = publishRoute(message.topic());
        String lastFailed = null;
        ClientException failure = null;
        int attempts = 0;
        for (int attempt = 0; attempt <= retryTimesWhenSendFailed; attempt++) {
            long remaining = sendTimeoutMillis - (System.currentTimeMillis() - start);
            if (remaining <= 0) {
                break;
            }
            MessageQueue queue = roundRobin(message.topic()).select(route.queues, lastFailed, faults);
            long callStart = System.currentTimeMillis();
            attempts++;
            try {
                SendResult result = sendTo(route, queue, outgoing, remaining);
                faults.recordSuccess(queue.brokerName(), System.currentTimeMillis() - callStart);
                return result;
            } catch (ClientException e) {
                recordFault(queue, e, callStart);
                if (e.code() != ClientException.NO_RESPONSE_CODE && !RETRIABLE_CODES.contains(e.code())) {
                    throw e;
                }
                failure = e;
                lastFailed = queue.brokerName();
            }
        }
        if (failure == null) {
            throw new ClientException("sending to topic " + message.topic() + " timed out after " + sendTimeoutMillis + " ms");
        }
        throw new ClientException("sending to topic " + message.topic() + " failed after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " in " + sendTimeoutMillis + " ms: " + failure.getMessage(),
                failure.code(), failure.remark(), failure);
    }

    /**
     * A broker that did not answer is avoided for a while; one that answered with a refusal only counts its latency,
     * as RocketMQ's client counts it: one refused message (too large, say) must not steer sends off a healthy broker.
     */
    private void recordFault(MessageQueue queue, ClientException e, long callStart) {
        if (e.code() == ClientException.NO_RESPONSE_CODE) {
            faults.recordFailure(queue.brokerName());
        } else {
            faults.recordSuccess(queue.brokerName(), System.currentTimeMillis() - callStart);
        }
    }

    /**
     * RocketMQ's transactional send: stores {@code message} as a half message (invisible to consumers), runs the
     * listener's local transaction, and tells the broker to commit or roll it back. Left UNKNOWN, the broker asks this
     * producer group later (CHECK_TRANSACTION_STATE). A half message the broker did not take with SEND_OK is rolled
     * back without running the local transaction, as RocketMQ's client does.
     *
     * @throws ClientException when the half message cannot be sent, or the outcome cannot be sent to the broker
     */
    public TransactionResult sendInTransaction(Message message, Object arg) throws ClientException {
        ClientRuntime r = runtime(); // read first: start() publishes the transactions through it
        Transactions tx = transactions;
        if (tx == null) {
            throw new IllegalStateException("producer " + group + " has no transaction listener");
        }
        if (message.delayLevel() > 0) {
            throw new IllegalArgumentException("a transactional message cannot be delayed");
        }
        message.putSystemProperty(MessageProperty.TRAN_MSG, "true");
        message.putSystemProperty(MessageProperty.PRODUCER_GROUP, group);
        SendResult half = send(message, Transactions.PREPARED);
        TransactionState state = null;
        String failure = null;
        if (half.status() != SendStatus.SEND_OK) {
            state = TransactionState.ROLLBACK;
        } else {
            // A broker checks back over a connection it knows this producer group by, from a heartbeat.
            announceTo(message.topic());
            try {
                state = tx.listener().execute(message, arg);
            } catch (RuntimeException e) {
                failure = "executeLocalTransactionBranch exception: " + e;
            }
            if (state == null) {
                state = TransactionState.UNKNOWN;
            }
        }
        tx.end(half, r.masterAddress(message.topic(), half.queue().brokerName()), state, failure);
        return new TransactionResult(half, state);
    }

    /** Sends to the queue {@code selector} picks (no retry on another queue: ordering would break). */
    public SendResult send(Message message, QueueSelector selector, Object arg) throws ClientException {
        Outgoing outgoing = prepare(message);
        PublishRoute route = publishRoute(message.topic());
        MessageQueue queue = selector.select(List.copyOf(route.queues), message, arg);
        if (queue == null || !route.queues.contains(queue)) {
            throw new ClientException("queue selector chose " + queue + ", which is not a writable queue of topic "
                    + message.topic());
        }
        return sendTo(route, queue, outgoing, sendTimeoutMillis);
    }

    /** Sends to exactly {@code queue}. */
    public SendResult send(Message message, MessageQueue queue) throws ClientException {
        return send(message, (queues, m, arg) -> queue, null);
    }

    /** Completes with the result, or exceptionally with a {@link ClientException} after the async retries. */
    public CompletableFuture<SendResult> sendAsync(Message message) {
        Outgoing outgoing;
        PublishRoute route;
        try {
            outgoing = prepare(message);
            route = publishRoute(message.topic());
        } catch (ClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sendAsync(route, outgoing, null, null, retryTimesWhenSendAsyncFailed, System.currentTimeMillis());
    }

    /**
     * @param lastFailed  the broker group of the previous attempt, if it failed
     * @param lastFailure why it failed (null on the first attempt), named when time runs out
     */
    private CompletableFuture<SendResult> sendAsync(PublishRoute route, Outgoing outgoing, String lastFailed,
            ClientException lastFailure, int retriesLeft, long start) {
        MessageQueue queue = roundRobin(route.topic).select(route.queues, lastFailed, faults);
        long remaining = sendTimeoutMillis - (System.currentTimeMillis() - start);
        if (remaining <= 0) {
            return CompletableFuture.failedFuture(new ClientException("sending to topic " + route.topic
                    + " timed out after " + sendTimeoutMillis + " ms"
                    + (lastFailure == null ? "" : ": " + lastFailure.getMessage()), lastFailure));
        }
        String address = route.route.masterAddress(queue.brokerName());
        RemotingCommand request = outgoing.request(group, queue);
        long callStart = System.currentTimeMillis();
        return runtime().brokers().callAsync(queue.brokerName(), address, request, remaining)
                .thenApply(response -> {
                    try {
                        return toResult(queue, address, outgoing, response);
                    } catch (ClientException e) {
                        throw new CompletionException(e);
                    }
                })
                .handle((result, failure) -> {
                    if (failure == null) {
                        faults.recordSuccess(queue.brokerName(), System.currentTimeMillis() - callStart);
                        return CompletableFuture.completedFuture(result);
                    }
                    ClientException cause = failure.getCause() instanceof ClientException c ? c
                            : new ClientException("sending to " + queue + " failed", failure);
                    recordFault(queue, cause, callStart);
                    boolean retriable = cause.code() == ClientException.NO_RESPONSE_CODE
                            || RETRIABLE_CODES.contains(cause.code());
                    if (retriesLeft > 0 && retriable) {
                        return sendAsync(route, outgoing, queue.brokerName(), cause, retriesLeft - 1, start);
                    }
                    return CompletableFuture.<SendResult>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }

    /**
     * RocketMQ's request-reply: sends {@code message} and waits for the reply a consumer sends with
     * {@link Message#replyTo}, which the broker pushes to this producer. The reply carries where it came from, not
     * where it was stored (its queue and CommitLog offsets are -1).
     *
     * @throws ClientException when the request cannot be sent or no reply comes within {@code timeoutMillis}
     */
    public ReceivedMessage request(Message message, long timeoutMillis) throws ClientException {
        try {
            return requestAsync(message, timeoutMillis).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ClientException c ? c
                    : new ClientException("request to topic " + message.topic() + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted waiting for the reply to a request to topic " + message.topic(), e);
        }
    }

    /**
     * {@link #request} without blocking: completes with the reply, or exceptionally with a {@link ClientException}
     * when the send fails or no reply comes in time.
     */
    public CompletableFuture<ReceivedMessage> requestAsync(Message message, long timeoutMillis) {
        ClientRuntime r = runtime();
        String correlationId = r.ids().next();
        message.putSystemProperty(MessageProperty.CORRELATION_ID, correlationId);
        message.putSystemProperty(MessageProperty.REPLY_TO_CLIENT, r.clientId());
        message.putSystemProperty(MessageProperty.TTL, String.valueOf(timeoutMillis));
        try {
            announceTo(message.topic());
        } catch (ClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ReceivedMessage> reply = r.replies().await(correlationId, timeoutMillis);
        sendAsync(message).whenComplete((sent, failure) -> {
            if (failure != null) {
                reply.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
        return reply.exceptionallyCompose(failure -> CompletableFuture.failedFuture(failure instanceof TimeoutException
                ? new ClientException("no reply to request " + correlationId + " on topic " + message.topic()
                        + " within " + timeoutMillis + " ms")
                : failure));
    }

    /**
     * The broker pushes a reply over a connection it knows this producer by, from a heartbeat: before the first
     * request to a topic, its brokers get one, as RocketMQ's client does.
     */
    private void announceTo(String topic) throws ClientException {
        if (announcedTopics.add(topic)) {
            try {
                publishRoute(topic);
                runtime().heartbeats().sendToAll();
            } catch (ClientException | RuntimeException e) {
                announcedTopics.remove(topic);
                throw e;
            }
        }
    }

    /** Fire and forget: no response, no retry. */
    public void sendOneway(Message message) throws ClientException {
        Outgoing outgoing = prepare(message);
        PublishRoute route = publishRoute(message.topic());
        MessageQueue queue = roundRobin(message.topic()).select(route.queues, null, faults);
        runtime().brokers().oneway(queue.brokerName(), route.route.masterAddress(queue.brokerName()),
                outgoing.request(group, queue), sendTimeoutMillis);
    }

    /** Sends messages of one topic as one request; they get consecutive offsets in one queue. */
    public SendResult send(List<Message> batch) throws ClientException {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one message");
        }
        String topic = batch.get(0).topic();
        int size = 0;
        List<String> ids = new ArrayList<>();
        for (Message message : batch) {
            checkTopic(message.topic());
            if (!message.topic().equals(topic)) {
                throw new IllegalArgumentException("all messages of a batch must have the same topic");
            }
            if (message.delayLevel() > 0) {
                throw new IllegalArgumentException("delayed messages cannot be sent in a batch");
            }
            if (topic.startsWith("%RETRY%")) {
                throw new IllegalArgumentException("retry messages cannot be sent in a batch");
            }
            checkBody(message);
            if (message.property(MessageProperty.UNIQ_KEY) == null) {
                message.putSystemProperty(MessageProperty.UNIQ_KEY, runtime().ids().next());
            }
            if (message.property(MessageProperty.WAIT) == null) {
                message.putSystemProperty(MessageProperty.WAIT, "true");
            }
            ids.add(message.property(MessageProperty.UNIQ_KEY));
            size += message.body().length;
        }
        if (size > maxMessageSize) {
            throw new IllegalArgumentException("batch body size " + size + " exceeds the maximum " + maxMessageSize);
        }
        PublishRoute route = publishRoute(topic);
        Outgoing outgoing = new Outgoing(null, null, 0, String.join(",", ids)) {
            @Override
            RemotingCommand request(String producerGroup, MessageQueue queue) {
                return SendRequests.batch(producerGroup, queue.brokerName(), topic, queue.queueId(), batch);
            }
        };
        long start = System.currentTimeMillis();
        String lastFailed = null;
        ClientException failure = null;
        for (int attempt = 0; attempt <= retryTimesWhenSendFailed; attempt++) {
            long remaining = sendTimeoutMillis - (System.currentTimeMillis() - start);
            if (remaining <= 0) {
                break;
            }
            MessageQueue queue = roundRobin(topic).select(route.queues, lastFailed, faults);
            long callStart = System.currentTimeMillis();
            try {
                return sendTo(route, queue, outgoing, remaining);
            } catch (ClientException e) {
                recordFault(queue, e, callStart);
                if (e.code() != ClientException.NO_RESPONSE_CODE && !RETRIABLE_CODES.contains(e.code())) {
                    throw e;
                }
                failure = e;
                lastFailed = queue.brokerName();
            }
        }
        throw failure != null ? failure : new ClientException("sending a batch to topic " + topic + " timed out");
    }

    private SendResult sendTo(PublishRoute route, MessageQueue queue, Outgoing outgoing, long timeoutMillis)
            throws ClientException {
        String address = route.route.masterAddress(queue.brokerName());
        if (address == null) {
            throw new ClientException("broker group " + queue.brokerName() + " of topic " + route.topic + " has no master");
        }
        RemotingCommand response = runtime().brokers().call(queue.brokerName(), address,
                outgoing.request(group, queue), timeoutMillis);
        return toResult(queue, address, outgoing, response);
    }

    private static SendResult toResult(MessageQueue queue, String address, Outgoing outgoing, RemotingCommand response)
            throws ClientException {
        SendStatus status = switch (response.code()) {
            case ResponseCode.SUCCESS -> SendStatus.SEND_OK;
            case ResponseCode.FLUSH_DISK_TIMEOUT -> SendStatus.FLUSH_DISK_TIMEOUT;
            case ResponseCode.FLUSH_SLAVE_TIMEOUT -> SendStatus.FLUSH_SLAVE_TIMEOUT;
            case ResponseCode.SLAVE_NOT_AVAILABLE -> SendStatus.SLAVE_NOT_AVAILABLE;
            default -> throw BrokerCaller.refused("sending to " + queue, queue.brokerName(), address, response);
        };
        String queueId = response.extField("queueId");
        String queueOffset = response.extField("queueOffset");
        if (queueId == null || queueOffset == null) {
            throw new ClientException("broker " + queue.brokerName() + " at " + address
                    + " answered a send without queueId/queueOffset");
        }
        MessageQueue stored = new MessageQueue(queue.topic(), queue.brokerName(), Integer.parseInt(queueId));
        return new SendResult(status, outgoing.msgId, response.extField("msgId"), stored, Long.parseLong(queueOffset));
    }

    private Outgoing prepare(Message message) throws ClientException {
        return prepare(message, 0);
    }

    /** Validates and completes a message: UNIQ_KEY, WAIT, compressed body and sysFlag. */
    private Outgoing prepare(Message message, int extraSysFlag) throws ClientException {
        runtime();
        checkTopic(message.topic());
        checkBody(message);
        if (message.property(MessageProperty.UNIQ_KEY) == null) {
            message.putSystemProperty(MessageProperty.UNIQ_KEY, runtime.ids().next());
        }
        if (message.property(MessageProperty.WAIT) == null) {
            message.putSystemProperty(MessageProperty.WAIT, "true");
        }
        byte[] body = message.body();
        int sysFlag = extraSysFlag;
        if (body.length >= compressBodyOverBytes) {
            body = BodyCompression.compress(body, compressLevel);
            sysFlag |= BodyCompression.COMPRESSED_FLAG | BodyCompression.ZLIB_TYPE;
        }
        return new Outgoing(message, body, sysFlag, message.property(MessageProperty.UNIQ_KEY));
    }

    private static void checkTopic(String topic) {
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH || !TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("illegal topic name \"" + topic + "\": use at most " + MAX_TOPIC_LENGTH
                    + " characters of [%|a-zA-Z0-9_-]");
        }
        if (NOT_SENDABLE.contains(topic)) {
            // Brokers refuse these with NO_PERMISSION, which would only be retried on every other broker.
            throw new IllegalArgumentException("sending to topic " + topic + " is forbidden: it is the broker's own");
        }
    }

    private void checkBody(Message message) {
        if (message.body().length == 0) {
            throw new IllegalArgumentException("message body must not be empty");
        }
        if (message.body().length > maxMessageSize) {
            throw new IllegalArgumentException("message body size " + message.body().length + " exceeds the maximum "
                    + maxMessageSize);
        }
    }

    private QueueRoundRobin roundRobin(String topic) {
        return roundRobins.computeIfAbsent(topic, t -> new QueueRoundRobin());
    }

    /**
     * The topic's writable queues; for a topic the name servers do not know yet, the groups serving the auto-create
     * template (TBW102) with at most 4 queues each, so the broker creates the topic on the first send.
     */
    private PublishRoute publishRoute(String topic) throws ClientException {
        ClientRuntime r = runtime();
        Optional<TopicRoute> route = r.routes().find(topic);
        if (route.isPresent() && !route.get().writableQueues().isEmpty()) {
            return new PublishRoute(topic, route.get(), route.get().writableQueues());
        }
        Optional<TopicRoute> template = r.routes().find(SendRequests.AUTO_CREATE_TOPIC);
        if (route.isEmpty() && template.isPresent()) {
            List<MessageQueue> queues = new ArrayList<>();
            for (QueueData q : template.get().queueDatas()) {
                if (q.writable() && template.get().masterAddress(q.brokerName()) != null) {
                    for (int i = 0; i < Math.min(SendRequests.DEFAULT_TOPIC_QUEUE_NUMS, q.readQueueNums()); i++) {
                        queues.add(new MessageQueue(topic, q.brokerName(), i));
                    }
                }
            }
            queues.sort(null);
            if (!queues.isEmpty()) {
                return new PublishRoute(topic, template.get(), queues);
            }
        }
        throw new ClientException(route.isPresent()
                ? "no writable queue for topic " + topic + " (no broker group with a master and write permission)"
                : r.nameServer().noRouteMessage(topic));
    }

    private record PublishRoute(String topic, TopicRoute route, List<MessageQueue> queues) {
    }

    /** A prepared message (or batch) and the id it will be reported under. */
    private static class Outgoing {
        final Message message;
        final byte[] body;
        final int sysFlag;
        final String msgId;

        Outgoing(Message message, byte[] body, int sysFlag, String msgId) {
            this.message = message;
            this.body = body;
            this.sysFlag = sysFlag;
            this.msgId = msgId;
        }

        RemotingCommand request(String producerGroup, MessageQueue queue) {
            return SendRequests.single(producerGroup, queue.brokerName(), queue.queueId(), message, body, sysFlag);
        }
    }

    @Override
    public synchronized void close() {
        if (runtime != null) {
            runtime.heartbeats().unregister(group, null);
            runtime.close();
            runtime = null;
        }
        if (checkExecutor != null) {
            checkExecutor.shutdownNow();
            checkExecutor = null;
            transactions = null;
        }
    }
}
