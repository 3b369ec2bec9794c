package dev.sluice.broker.send;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.group.SubscriptionGroupConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.schedule.DelayRouter;
import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.broker.transaction.HalfMessages;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.MessageStore;
import dev.sluice.store.SysFlag;
import dev.sluice.store.TopicNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SEND_MESSAGE, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE: checks the topic (creating it from its template when
 * allowed), appends to the store and answers with the offsetMsgId, queue and queue offset. A send waiting for a
 * disk flush does not hold a send thread: the answer goes out when the store's future completes.
 */
public final class SendProcessor implements RequestProcessor {
    /** How RocketMQ words the time in its startAcceptSendRequestTimeStamp refusal (local time). */
    private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final String MSG_REGION = "MSG_REGION";
    private static final String TRACE_ON = "TRACE_ON";
    private static final String CLUSTER = "CLUSTER";
    /** Oldest client version whose maxReconsumeTimes header is honoured (V3_4_9). */
    private static final int MAX_RECONSUME_HEADER_VERSION = 121;
    private static final String WAIT_TRUE = MessageProperties.WAIT + MessageProperties.NAME_VALUE_SEPARATOR + "true";
    private static final String AFTER_ANOTHER_WAIT_TRUE = MessageProperties.PROPERTY_SEPARATOR + WAIT_TRUE;

    private final BrokerConfig config;
    private final TopicTable topics;
    private final SubscriptionGroupTable groups;
    private final MessageStore store;
    private final RemotingServer server;
    private final BrokerStats stats;
    private final byte[] storeHost;
    private final int storePort;
    private final String clusterProperty;
    private final DelayRouter delays;
    private final Responder respondLater;

    public SendProcessor(BrokerConfig config, TopicTable topics, SubscriptionGroupTable groups, MessageStore store,
                         RemotingServer server, BrokerStats stats, byte[] storeHost, int storePort, DelayRouter delays) {
        this.delays = delays;
        this.config = config;
        this.topics = topics;
        this.groups = groups;
        this.store = store;
        this.server = server;
        this.stats = stats;
        this.storeHost = storeHost.clone();
        this.storePort = storePort;
        this.clusterProperty = CLUSTER + MessageProperties.NAME_VALUE_SEPARATOR + config.brokerClusterName();
        this.respondLater = server::respond;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        return store(connection, request, respondLater);
    }

    /** Where an answer goes that is ready only after the append. */
    interface Responder {
        void respond(RemotingConnection connection, RemotingCommand answer);
    }

    /** A response to {@code request}, code SUCCESS, with the fields clients read on every send. */
    RemotingCommand response(RemotingCommand request) {
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        // Clients read both without a null check on every successful send.
        response.putExtField(MSG_REGION, config.regionId());
        response.putExtField(TRACE_ON, config.traceOn());
        return response;
    }

    /**
     * Checks and appends the message(s) of a send request.
     *
     * @return the answer, or null when it is given to {@code later} once the append completes
     */
    RemotingCommand store(RemotingConnection connection, RemotingCommand request, Responder later) throws Exception {
        SendRequest header = SendRequest.of(request);
        RemotingCommand response = response(request);
        byte[] body = request.body() == null ? new byte[0] : request.body();
        boolean transactional = HalfMessages.isTransactional(header.properties());
        String flags = SysFlagCheck.problem(header.sysFlag(), header.batch(), transactional, body);
        if (flags != null) {
            response.setCode(ResponseCode.MESSAGE_ILLEGAL);
            response.setRemark(flags);
            return response;
        }
        String batchProblem = header.batch() ? batchProblem(header) : null;
        if (batchProblem != null) {
            response.setCode(ResponseCode.MESSAGE_ILLEGAL);
            response.setRemark(batchProblem);
            return response;
        }
        String refusal = check(header, response);
        if (refusal != null) {
            response.setRemark(refusal);
            return response;
        }
        String topic = header.topic();
        int queueId = header.queueId();
        TopicConfig topicConfig = topics.get(topic);
        if (queueId < 0) {
            queueId = ThreadLocalRandom.current().nextInt(topicConfig.writeQueueNums());
        }
        int sysFlag = header.sysFlag();
        int answeredQueueId = queueId;
        String properties = header.properties();
        boolean deadLetter = false;
        if (SystemTopics.isRetry(topic)) {
            String dlq = deadLetterTopic(header, request.version());
            if (dlq != null) {
                topics.getOrCreate(TopicConfig.of(dlq, 1, Perm.READ | Perm.WRITE));
                topic = dlq;
                queueId = 0;
                answeredQueueId = 0;
                deadLetter = true;
            }
        }
        // A dead letter is stored undelayed; a batch is never delayed (refused above when it asks to be).
        DelayRouter.Route delayed = deadLetter || header.batch() ? null : delays.route(topic, queueId, properties, sysFlag);
        if (delayed != null) {
            if (delayed.refusal() != null) {
                response.setCode(delayed.refusalCode());
                response.setRemark(delayed.refusal());
                return response;
            }
            topic = delayed.topic();
            queueId = delayed.queueId();
            properties = delayed.properties();
        }
        if ("MULTI_TAG".equals(topicConfig.topicFilterType())) {
            sysFlag |= SysFlag.MULTI_TAGS;
        }

        PeerAddress born = PeerAddress.of(connection.remoteSocketAddress());
        List<AppendRequest> messages = new ArrayList<>(1);
        if (header.batch()) {
            if (body.length > config.maxMessageSize()) {
                // RocketMQ holds a batch as a whole to maxMessageSize; each message is checked again when stored.
                response.setCode(ResponseCode.MESSAGE_ILLEGAL);
                response.setRemark("the batch's body is " + body.length + " bytes, more than maxMessageSize "
                        + config.maxMessageSize());
                return response;
            }
            List<BatchDecoder.Inner> inner;
            try {
                inner = BatchDecoder.decode(body);
            } catch (IllegalArgumentException e) {
                response.setCode(ResponseCode.MESSAGE_ILLEGAL);
                response.setRemark("bad batch body: " + e.getMessage());
                return response;
            }
            String batchProperties = withCluster(header.properties());
            for (BatchDecoder.Inner m : inner) {
                messages.add(new AppendRequest(topic, queueId, m.flag(), m.body(),
                        join(m.properties(), batchProperties), sysFlag, header.bornTimestamp(), born.address(), born.port(),
                        header.reconsumeTimes(), 0));
            }
        } else {
            // RocketMQ 4.9.7 stores a plain message without the WAIT=true every producer sends (absent means true);
            // it keeps it where it re-encodes the properties (delayed and half messages) and in batches.
            String stored = delayed == null && !transactional ? withoutWaitTrue(properties) : properties;
            messages.add(new AppendRequest(topic, queueId, header.flag(), ByteBuffer.wrap(body),
                    withCluster(stored).getBytes(StandardCharsets.UTF_8), sysFlag, header.bornTimestamp(),
                    born.address(), born.port(), header.reconsumeTimes(), 0));
            if (transactional) {
                messages.set(0, HalfMessages.toHalf(messages.get(0)));
            }
        }
        int answerQueueId = answeredQueueId;
        long started = System.nanoTime();
        CompletableFuture<AppendResult> appended = messages.size() == 1
                ? store.append(messages.get(0)) : store.appendBatch(messages);
        // The append itself, as RocketMQ times its putMessage: a flush or a slave is waited for after it returns.
        stats.appendTook((System.nanoTime() - started) / 1_000_000);
        CompletableFuture<Void> announced = topics.announced(header.topic());
        if (appended.isDone() && announced.isDone()) {
            return answer(response, messages, appended.join(), answerQueueId);
        }
        announced.thenCompose(ignored -> appended).whenComplete((result, error) -> {
            RemotingCommand answer = error != null
                    ? failure(response, "store failed: " + error)
                    : answer(response, messages, result, answerQueueId);
            if (!request.isOneway()) {
                later.respond(connection, answer);
            }
        });
        return null;
    }

    /**
     * What RocketMQ refuses of a batch, before any topic is created for it: a retry topic (consumers send back one
     * message at a time), and a delay or delivery time in the batch's own properties (its messages would be stored
     * undelayed).
     */
    private static String batchProblem(SendRequest header) {
        if (SystemTopics.isRetry(header.topic())) {
            return "batch request does not support retry group " + header.topic();
        }
        String properties = header.properties();
        String level = MessageProperties.get(properties, MessageProperties.DELAY);
        if (level != null && !level.isBlank() && !level.trim().matches("0+|-\\d{1,9}")) {
            // a level above 0 asks for a delay; one that is no number is refused as the single-message path refuses it
            return "a batch cannot be delayed: its properties carry DELAY=" + level;
        }
        for (String key : new String[] {DelayRouter.TIMER_DELIVER_MS, DelayRouter.TIMER_DELAY_SEC,
                DelayRouter.TIMER_DELAY_MS}) {
            if (MessageProperties.get(properties, key) != null) {
                return "a batch cannot be delayed: its properties carry " + key;
            }
        }
        return null;
    }

    /** Why the send cannot go ahead (the response code set), or null. Auto-creates the topic when allowed. */
    String check(SendRequest header, RemotingCommand response) {
        long acceptFrom = config.startAcceptSendRequestTimeStamp();
        if (acceptFrom > 0 && System.currentTimeMillis() < acceptFrom) {
            response.setCode(ResponseCode.SYSTEM_ERROR);
            return "broker unable to service, until " + UNTIL.format(Instant.ofEpochMilli(acceptFrom));
        }
        String topic = header.topic();
        if (config.isSlave()) {
            // As RocketMQ's store answers a put on a slave; the client then retries on another broker.
            response.setCode(ResponseCode.SERVICE_NOT_AVAILABLE);
            return "service not available now: the broker[" + config.brokerIP1() + "] is a slave (brokerRole=SLAVE) and takes no sends";
        }
        if (!Perm.writeable(config.brokerPermission())) {
            response.setCode(ResponseCode.NO_PERMISSION);
            return "the broker[" + config.brokerIP1() + "] sending message is forbidden";
        }
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            response.setCode(ResponseCode.SYSTEM_ERROR);
            return "The specified topic is not legal: " + problem;
        }
        if (SystemTopics.sendForbidden(topic)) {
            response.setCode(ResponseCode.NO_PERMISSION);
            return "Sending message to topic[" + topic + "] is forbidden.";
        }
        if (config.rejectTransactionMessage() && HalfMessages.isTransactional(header.properties())) {
            response.setCode(ResponseCode.NO_PERMISSION);
            return "the broker[" + config.brokerIP1() + "] sending transaction message is forbidden";
        }
        TopicConfig topicConfig = topics.getOrCreateForSend(topic, header.defaultTopic(), header.defaultTopicQueueNums(),
                0);
        if (topicConfig == null) {
            response.setCode(ResponseCode.TOPIC_NOT_EXIST);
            return "topic[" + topic + "] not exist, apply first please!";
        }
        if (!Perm.writeable(topicConfig.perm())) {
            response.setCode(ResponseCode.NO_PERMISSION);
            return "the topic[" + topic + "] sending message is forbidden";
        }
        int queues = Math.max(topicConfig.readQueueNums(), topicConfig.writeQueueNums());
        if (header.queueId() >= queues) {
            response.setCode(ResponseCode.SYSTEM_ERROR);
            return "request queueId[" + header.queueId() + "] is illegal, topic " + topic + " has " + queues + " queues";
        }
        return null;
    }

    /** The dead-letter topic when a retried message has used up its attempts, else null. */
    private String deadLetterTopic(SendRequest header, int clientVersion) {
        String group = header.topic().substring(SystemTopics.RETRY_PREFIX.length());
        SubscriptionGroupConfig groupConfig = groups.get(group);
        int max = groupConfig == null ? 16 : groupConfig.retryMaxTimes();
        if (header.maxReconsumeTimes() != null && clientVersion >= MAX_RECONSUME_HEADER_VERSION) {
            max = header.maxReconsumeTimes();
        }
        return header.reconsumeTimes() >= max ? SystemTopics.DLQ_PREFIX + group : null;
    }

    /** @param queueId the queue the client asked for (a half message is stored elsewhere) */
    private RemotingCommand answer(RemotingCommand response, List<AppendRequest> messages, AppendResult result,
                                   int queueId) {
        switch (result.status()) {
            case PUT_OK -> response.setCode(ResponseCode.SUCCESS);
            case FLUSH_DISK_TIMEOUT -> response.setCode(ResponseCode.FLUSH_DISK_TIMEOUT);
            case FLUSH_SLAVE_TIMEOUT -> response.setCode(ResponseCode.FLUSH_SLAVE_TIMEOUT);
            case SLAVE_NOT_AVAILABLE -> response.setCode(ResponseCode.SLAVE_NOT_AVAILABLE);
            case MESSAGE_ILLEGAL, PROPERTIES_SIZE_EXCEEDED -> {
                return refused(response, ResponseCode.MESSAGE_ILLEGAL, result);
            }
            case SERVICE_NOT_AVAILABLE -> {
                return refused(response, ResponseCode.SERVICE_NOT_AVAILABLE, result);
            }
            default -> {
                return refused(response, ResponseCode.SYSTEM_ERROR, result);
            }
        }
        stats.messagesPut(messages.get(0).topic(), result.messageCount(), result.wroteBytes());
        response.putExtField("msgId", msgIds(messages, result.commitLogOffset()));
        response.putExtField("queueId", queueId);
        response.putExtField("queueOffset", result.queueOffset());
        return response;
    }

    private RemotingCommand refused(RemotingCommand response, int code, AppendResult result) {
        stats.putFailed();
        response.setCode(code);
        response.setRemark(result.status() + (result.remark() == null ? "" : ": " + result.remark()));
        return response;
    }

    private RemotingCommand failure(RemotingCommand response, String remark) {
        stats.putFailed();
        response.setCode(ResponseCode.SYSTEM_ERROR);
        response.setRemark(remark);
        return response;
    }

    /** One offsetMsgId, or for a batch the comma-separated ids of its consecutive records. */
    private String msgIds(List<AppendRequest> messages, long firstOffset) {
        if (messages.size() == 1) {
            return MessageIds.offsetMsgId(storeHost, storePort, firstOffset);
        }
        StringBuilder ids = new StringBuilder();
        long offset = firstOffset;
        int topicLength = MessageCodec.topicBytes(messages.get(0).topic()).length;
        for (AppendRequest m : messages) {
            if (!ids.isEmpty()) {
                ids.append(',');
            }
            ids.append(MessageIds.offsetMsgId(storeHost, storePort, offset));
            int sysFlag = MessageCodec.storedSysFlag(m, storeHost.length == 16);
            offset += MessageRecordDescriptor.recordLength(sysFlag, m.body().remaining(), topicLength,
                    m.properties().length);
        }
        return ids.toString();
    }

    /** {@code properties} without a WAIT=true entry; the same string when it has none. */
    static String withoutWaitTrue(String properties) {
        if (properties == null) {
            return null;
        }
        int at = properties.startsWith(WAIT_TRUE) ? 0 : properties.indexOf(AFTER_ANOTHER_WAIT_TRUE);
        if (at < 0) {
            return properties;
        }
        int start = at == 0 ? 0 : at + 1;
        int end = start + WAIT_TRUE.length();
        if (end == properties.length()) {
            return properties.substring(0, Math.max(0, at));
        }
        if (properties.charAt(end) != MessageProperties.PROPERTY_SEPARATOR) {
            return properties; // a longer value, such as WAIT=trueish
        }
        return properties.substring(0, start) + properties.substring(end + 1);
    }

    private String withCluster(String properties) {
        if (properties == null || properties.isEmpty()) {
            return clusterProperty;
        }
        return properties + MessageProperties.PROPERTY_SEPARATOR + clusterProperty;
    }

    private static byte[] join(String inner, String batch) {
        String joined = inner.isEmpty() ? batch : inner + MessageProperties.PROPERTY_SEPARATOR + batch;
        return joined.getBytes(StandardCharsets.UTF_8);
    }
}
