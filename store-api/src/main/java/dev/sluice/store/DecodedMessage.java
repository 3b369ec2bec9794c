package dev.sluice.store;

import java.util.Map;

/**
 * Every field of one stored record, decoded. For tools, tests and rare look-ups; hot paths read
 * single fields through {@link MessageRecordDescriptor}.
 */
public record DecodedMessage(int totalSize, int bodyCrc, int queueId, int flag, long queueOffset,
                             long physicalOffset, int sysFlag, long bornTimestamp, byte[] bornHost,
                             int bornPort, long storeTimestamp, byte[] storeHost, int storePort,
                             int reconsumeTimes, long preparedTransactionOffset, byte[] body, String topic,
                             String properties) {

    /** Properties as a map. */
    public Map<String, String> propertyMap() {
        return MessageProperties.decode(properties);
    }

    /** One property, or null. */
    public String property(String name) {
        return MessageProperties.get(properties, name);
    }

    /** Whether the stored CRC matches the body. */
    public boolean crcValid() {
        return MessageCodec.bodyCrc(java.nio.ByteBuffer.wrap(body)) == bodyCrc;
    }
}
