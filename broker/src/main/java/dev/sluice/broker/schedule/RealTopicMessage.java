package dev.sluice.broker.schedule;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.SysFlag;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Turns a stored delayed record back into the message its producer sent: topic and queue from {@code REAL_TOPIC} /
 * {@code REAL_QID} (both kept in the properties, as RocketMQ 4.9 keeps them), body, flag, born time and host,
 * reconsume count and system flag copied; the delay's own properties dropped so it is not delayed again.
 */
public final class RealTopicMessage {
    private RealTopicMessage() {
    }

    /**
     * @param record a stored record, from its position
     * @param drop   properties to remove (the delay that brought it here)
     * @return the message to append, or null when the record does not say where it belongs
     */
    public static AppendRequest of(ByteBuffer record, String... drop) {
        DecodedMessage m = MessageCodec.decode(record, record.position());
        Map<String, String> properties = m.propertyMap();
        String topic = properties.get(DelayRouter.REAL_TOPIC);
        String queue = properties.get(DelayRouter.REAL_QID);
        if (topic == null || topic.isEmpty() || queue == null) {
            return null;
        }
        int queueId;
        try {
            queueId = Integer.parseInt(queue.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (queueId < 0) {
            return null;
        }
        for (String name : drop) {
            properties.remove(name);
        }
        properties.put(MessageProperties.WAIT, "false");
        int sysFlag = m.sysFlag() & ~(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6);
        return new AppendRequest(topic, queueId, m.flag(), ByteBuffer.wrap(m.body()),
                MessageProperties.bytes(MessageProperties.encode(properties)), sysFlag, m.bornTimestamp(),
                m.bornHost(), m.bornPort(), m.reconsumeTimes(), m.preparedTransactionOffset());
    }
}
