package dev.sluice.client;

import java.util.Map;

/**
 * A message as stored by a broker, decoded from a pull or query body. {@link #msgId()} is the client-generated
 * UNIQ_KEY when present, else the broker's {@link #offsetMsgId()}. The body is already decompressed.
 */
public record ReceivedMessage(
        String topic,
        String brokerName,
        int queueId,
        long queueOffset,
        long commitLogOffset,
        int sysFlag,
        int flag,
        long bornTimestamp,
        String bornHost,
        long storeTimestamp,
        String storeHost,
        int reconsumeTimes,
        long preparedTransactionOffset,
        Map<String, String> properties,
        byte[] body,
        String offsetMsgId) {

    public String msgId() {
        String uniq = properties.get(MessageProperty.UNIQ_KEY);
        return uniq != null ? uniq : offsetMsgId;
    }

    public String tags() {
        return properties.get(MessageProperty.TAGS);
    }

    public String keys() {
        return properties.get(MessageProperty.KEYS);
    }

    public String property(String name) {
        return properties.get(name);
    }

    public MessageQueue queue() {
        return new MessageQueue(topic, brokerName, queueId);
    }

    /** The same message seen under another topic or broker (retry topics are shown under their original topic). */
    public ReceivedMessage withTopicAndBroker(String newTopic, String newBrokerName) {
        return new ReceivedMessage(newTopic, newBrokerName, queueId, queueOffset, commitLogOffset, sysFlag, flag,
                bornTimestamp, bornHost, storeTimestamp, storeHost, reconsumeTimes, preparedTransactionOffset,
                properties, body, offsetMsgId);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[topic=" + topic + ", broker=" + brokerName + ", queueId=" + queueId + ", queueOffset="
                + queueOffset + ", msgId=" + msgId() + ", reconsumeTimes=" + reconsumeTimes + ", properties=" + properties
                + ", bodyLength=" + body.length + "]";
    }
}
