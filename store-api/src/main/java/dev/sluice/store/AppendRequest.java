package dev.sluice.store;

import java.nio.ByteBuffer;

/**
 * One message to append. The store assigns the queue offset, CommitLog offset, store timestamp,
 * store host and body CRC; everything else is written as given.
 *
 * @param topic                    topic name, at most 127 characters of {@code [%|a-zA-Z0-9_-]}
 * @param queueId                  queue within the topic, &ge; 0
 * @param flag                     the user's int flag
 * @param body                     message body, written from its position to its limit (not consumed)
 * @param properties               encoded properties string (see {@link MessageProperties}), may be empty
 * @param sysFlag                  RocketMQ SYSFLAG bits ({@link SysFlag}); the store sets the host-v6 bits
 * @param bornTimestamp            producer's timestamp in ms
 * @param bornHost                 producer address: 4 (IPv4) or 16 (IPv6) address bytes
 * @param bornPort                 producer port
 * @param reconsumeTimes           redelivery count
 * @param preparedTransactionOffset CommitLog offset of the half message for a transaction outcome, else 0
 */
public record AppendRequest(String topic, int queueId, int flag, ByteBuffer body, byte[] properties, int sysFlag,
                            long bornTimestamp, byte[] bornHost, int bornPort, int reconsumeTimes,
                            long preparedTransactionOffset) {

    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    /** A plain message born on this host now, for embedders and tests. */
    public static AppendRequest of(String topic, int queueId, byte[] body, String properties, long bornTimestamp) {
        return new AppendRequest(topic, queueId, 0, ByteBuffer.wrap(body),
                MessageProperties.bytes(properties), 0, bornTimestamp, LOOPBACK, 0, 0, 0);
    }
}
