package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.Message;
import dev.sluice.client.MessageProperty;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.client.producer.Producer;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a message the listener could not process back to the broker for redelivery (CONSUMER_SEND_MSG_BACK): the
 * broker delays it by the next delay level, or moves it to %DLQ%group after maxReconsumeTimes. When the broker cannot
 * take it back, the message is re-sent to %RETRY%group as a normal delayed message instead.
 */
final class RetrySender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrySender.class);
    private static final String INNER_PRODUCER_GROUP = "CLIENT_INNER_PRODUCER";
    private static final Set<String> NOT_COPIED = Set.of(MessageProperty.MIN_OFFSET, MessageProperty.MAX_OFFSET,
            MessageProperty.CONSUME_START_TIME, MessageProperty.CLUSTER);

    private final ClientRuntime runtime;
    private final String group;
    private final int maxReconsumeTimes;
    private Producer fallback;

    RetrySender(ClientRuntime runtime, String group, int maxReconsumeTimes) {
        this.runtime = runtime;
        this.group = group;
        this.maxReconsumeTimes = maxReconsumeTimes;
    }

    static String retryTopic(String group) {
        return "%RETRY%" + group;
    }

    /**
     * @param pulled the message as pulled (its topic may be %RETRY%group)
     * @param originalTopic the topic the application sees
     * @return whether the broker now holds the message for redelivery (or the DLQ)
     */
    boolean sendBack(ReceivedMessage pulled, String originalTopic) {
        return sendBack(pulled, originalTopic, false);
    }

    /** Straight to %DLQ%group (an orderly consumer gave up on the message). */
    boolean sendToDeadLetterQueue(ReceivedMessage pulled, String originalTopic) {
        return sendBack(pulled, originalTopic, true);
    }

    private boolean sendBack(ReceivedMessage pulled, String originalTopic, boolean deadLetter) {
        try {
            String address = runtime.masterAddress(pulled.topic(), pulled.brokerName());
            RemotingCommand response = runtime.brokers().call(pulled.brokerName(), address,
                    RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                            .putExtField("offset", pulled.commitLogOffset())
                            .putExtField("group", group)
                            // 0: the broker picks the next level; negative: the DLQ at once
                            .putExtField("delayLevel", deadLetter ? -1 : 0)
                            .putExtField("originMsgId", pulled.msgId())
                            .putExtField("originTopic", originalTopic)
                            .putExtField("unitMode", false)
                            .putExtField("maxReconsumeTimes", maxReconsumeTimes)
                            .putExtField("bname", pulled.brokerName()),
                    runtime.timeoutMillis());
            if (response.code() == ResponseCode.SUCCESS) {
                return true;
            }
            LOG.warn("broker {} refused to take back {}: code {}, {}; re-sending it to {}", pulled.brokerName(),
                    pulled.msgId(), response.code(), response.remark(), retryTopic(group));
        } catch (ClientException e) {
            LOG.warn("sending {} back failed: {}; re-sending it to {}", pulled.msgId(), e.getMessage(), retryTopic(group));
        }
        return resend(pulled, originalTopic, deadLetter);
    }

    private boolean resend(ReceivedMessage pulled, String originalTopic, boolean deadLetter) {
        Message retry = new Message(retryTopic(group), pulled.body());
        retry.setFlag(pulled.flag());
        pulled.properties().forEach((name, value) -> {
            if (!NOT_COPIED.contains(name)) {
                retry.putSystemProperty(name, value);
            }
        });
        if (retry.property(MessageProperty.ORIGIN_MESSAGE_ID) == null) {
            retry.putSystemProperty(MessageProperty.ORIGIN_MESSAGE_ID, pulled.msgId());
        }
        retry.putSystemProperty(MessageProperty.RETRY_TOPIC, originalTopic);
        // a reconsume count at the maximum makes the broker put it in the DLQ
        retry.putSystemProperty(MessageProperty.RECONSUME_TIME,
                String.valueOf(deadLetter ? maxReconsumeTimes : pulled.reconsumeTimes() + 1));
        retry.putSystemProperty(MessageProperty.MAX_RECONSUME_TIMES, String.valueOf(maxReconsumeTimes));
        retry.setDelayLevel(3 + pulled.reconsumeTimes());
        try {
            fallback().send(retry);
            return true;
        } catch (ClientException | RuntimeException e) {
            LOG.warn("re-sending {} to {} failed: {}", pulled.msgId(), retryTopic(group), e.getMessage());
            return false;
        }
    }

    private synchronized Producer fallback() {
        if (fallback == null) {
            fallback = new Producer(INNER_PRODUCER_GROUP, runtime.config()).start();
        }
        return fallback;
    }

    @Override
    public synchronized void close() {
        if (fallback != null) {
            fallback.close();
        }
    }
}
