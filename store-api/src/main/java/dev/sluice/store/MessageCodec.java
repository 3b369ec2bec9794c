package dev.sluice.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static dev.sluice.store.MessageRecordDescriptor.*;

/**
 * Encodes and decodes the RocketMQ v1 record ({@link MessageRecordDescriptor}) byte for byte, so stored
 * bytes can be handed to official clients without re-encoding.
 */
public final class MessageCodec {

    private MessageCodec() {
    }

    /** RocketMQ's body CRC: CRC32 of the body bytes with the sign bit cleared. Reads without consuming. */
    public static int bodyCrc(ByteBuffer body) {
        CRC32 crc = new CRC32();
        crc.update(body.duplicate());
        return (int) (crc.getValue() & 0x7FFFFFFF);
    }

    /**
     * Why a message cannot be stored, as a refusal result, or null when it can.
     *
     * @param maxMessageSize largest body accepted ({@code maxMessageSize})
     */
    public static AppendResult check(AppendRequest m, int maxMessageSize) {
        String topicProblem = TopicNames.problem(m.topic());
        if (topicProblem != null) {
            return AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, topicProblem);
        }
        if (m.queueId() < 0) {
            return AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, "queueId " + m.queueId() + " is negative");
        }
        if (m.body() == null) {
            return AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, "message has no body");
        }
        if (m.body().remaining() > maxMessageSize) {
            return AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, "message body is " + m.body().remaining()
                    + " bytes, more than maxMessageSize " + maxMessageSize);
        }
        int propertiesLength = m.properties() == null ? 0 : m.properties().length;
        if (propertiesLength > MessageProperties.MAX_LENGTH) {
            return AppendResult.refused(AppendStatus.PROPERTIES_SIZE_EXCEEDED, "properties are " + propertiesLength
                    + " bytes, more than " + MessageProperties.MAX_LENGTH);
        }
        int hostLength = m.bornHost() == null ? -1 : m.bornHost().length;
        if (hostLength != 4 && hostLength != 16) {
            return AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, "born host must be 4 or 16 address bytes");
        }
        return null;
    }

    /** The SYSFLAG the store writes: the caller's bits with the host-v6 bits set from the addresses. */
    public static int storedSysFlag(AppendRequest m, boolean storeHostV6) {
        int flag = m.sysFlag() & ~(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6);
        if (m.bornHost().length == 16) {
            flag |= SysFlag.BORNHOST_V6;
        }
        if (storeHostV6) {
            flag |= SysFlag.STOREHOST_V6;
        }
        return flag;
    }

    /**
     * Encodes a checked message at {@code dst}'s position and advances it. QUEUEOFFSET, PHYSICALOFFSET and
     * STORETIMESTAMP are left zero for {@link MessageRecordDescriptor#stamp}.
     *
     * @param topic topic bytes (callers may cache them)
     * @param crc   a reusable CRC32; reset here
     * @return the record length
     */
    public static int encode(AppendRequest m, byte[] topic, byte[] storeHost, int storePort, CRC32 crc,
                             ByteBuffer dst) {
        int sysFlag = storedSysFlag(m, storeHost.length == 16);
        ByteBuffer body = m.body();
        int bodyLength = body.remaining();
        byte[] properties = m.properties() == null ? new byte[0] : m.properties();
        int length = recordLength(sysFlag, bodyLength, topic.length, properties.length);
        crc.reset();
        if (body.hasArray()) {
            crc.update(body.array(), body.arrayOffset() + body.position(), bodyLength);
        } else {
            crc.update(body.duplicate());
        }
        dst.putInt(length)
                .putInt(MAGIC_V1)
                .putInt((int) (crc.getValue() & 0x7FFFFFFF))
                .putInt(m.queueId())
                .putInt(m.flag())
                .putLong(0L)
                .putLong(0L)
                .putInt(sysFlag)
                .putLong(m.bornTimestamp())
                .put(m.bornHost())
                .putInt(m.bornPort())
                .putLong(0L)
                .put(storeHost)
                .putInt(storePort)
                .putInt(m.reconsumeTimes())
                .putLong(m.preparedTransactionOffset())
                .putInt(bodyLength);
        // Absolute bulk copy: neither consumes the caller's buffer nor needs a duplicate of it.
        dst.put(dst.position(), body, body.position(), bodyLength);
        dst.position(dst.position() + bodyLength)
                .put((byte) topic.length)
                .put(topic)
                .putShort((short) properties.length)
                .put(properties);
        return length;
    }

    /** Topic bytes as stored. */
    public static byte[] topicBytes(String topic) {
        return topic.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks that a well-formed record starts at {@code at} within {@code limit}: magic, length, and the
     * inner lengths agree. Does not check the CRC.
     *
     * @return the record length, or -1 if the bytes there are not a record
     */
    public static int wellFormedLength(ByteBuffer buf, int at, int limit) {
        if (limit - at < BORN_HOST_OFFSET + 4) {
            return -1;
        }
        int total = totalSize(buf, at);
        if (magic(buf, at) != MAGIC_V1 || total < BORN_HOST_OFFSET || total > limit - at) {
            return -1;
        }
        int sysFlag = sysFlag(buf, at);
        int bodyLengthAt = at + bodyLengthOffset(sysFlag);
        if (bodyLengthAt + 4 > at + total) {
            return -1;
        }
        int bodyLength = buf.getInt(bodyLengthAt);
        int topicLengthAt = bodyLengthAt + 4 + bodyLength;
        if (bodyLength < 0 || topicLengthAt + 1 > at + total) {
            return -1;
        }
        int topicLength = buf.get(topicLengthAt);
        int propsLengthAt = topicLengthAt + 1 + topicLength;
        if (topicLength <= 0 || propsLengthAt + 2 > at + total) {
            return -1;
        }
        int propsLength = buf.getShort(propsLengthAt);
        if (propsLength < 0 || propsLengthAt + 2 + propsLength != at + total) {
            return -1;
        }
        return total;
    }

    /** Whether the record's body matches its stored CRC. */
    public static boolean crcMatches(ByteBuffer buf, int at, CRC32 crc) {
        int sysFlag = sysFlag(buf, at);
        int bodyLengthAt = at + bodyLengthOffset(sysFlag);
        int bodyLength = buf.getInt(bodyLengthAt);
        crc.reset();
        crc.update(buf.slice(bodyLengthAt + 4, bodyLength));
        return (int) (crc.getValue() & 0x7FFFFFFF) == buf.getInt(at + BODY_CRC_OFFSET);
    }

    /** Offset (relative to the record start) and length of the topic, packed as {@code offset << 32 | length}. */
    public static long topicSpan(ByteBuffer buf, int at) {
        int bodyLengthAt = bodyLengthOffset(sysFlag(buf, at));
        int topicLengthAt = bodyLengthAt + 4 + buf.getInt(at + bodyLengthAt);
        return ((long) (topicLengthAt + 1) << 32) | (buf.get(at + topicLengthAt) & 0xFF);
    }

    /** The topic of a well-formed record. */
    public static String topic(ByteBuffer buf, int at) {
        long span = topicSpan(buf, at);
        return string(buf, at + (int) (span >>> 32), (int) span);
    }

    /** The properties string of a well-formed record. */
    public static String properties(ByteBuffer buf, int at) {
        long span = topicSpan(buf, at);
        int propsLengthAt = at + (int) (span >>> 32) + (int) span;
        return string(buf, propsLengthAt + 2, buf.getShort(propsLengthAt));
    }

    /** Decodes every field of a well-formed record starting at {@code at}. */
    public static DecodedMessage decode(ByteBuffer buf, int at) {
        int sysFlag = sysFlag(buf, at);
        int bornHostLength = (sysFlag & SysFlag.BORNHOST_V6) != 0 ? 16 : 4;
        int storeHostLength = (sysFlag & SysFlag.STOREHOST_V6) != 0 ? 16 : 4;
        int storeTsAt = at + storeTimestampOffset(sysFlag);
        int storeHostAt = at + storeHostOffset(sysFlag);
        int reconsumeAt = at + reconsumeTimesOffset(sysFlag);
        int bodyLengthAt = at + bodyLengthOffset(sysFlag);
        int bodyLength = buf.getInt(bodyLengthAt);
        byte[] body = bytes(buf, bodyLengthAt + 4, bodyLength);
        return new DecodedMessage(totalSize(buf, at), buf.getInt(at + BODY_CRC_OFFSET), queueId(buf, at),
                buf.getInt(at + FLAG_OFFSET), queueOffset(buf, at), physicalOffset(buf, at), sysFlag,
                buf.getLong(at + BORN_TIMESTAMP_OFFSET), bytes(buf, at + BORN_HOST_OFFSET, bornHostLength),
                buf.getInt(at + BORN_HOST_OFFSET + bornHostLength), buf.getLong(storeTsAt),
                bytes(buf, storeHostAt, storeHostLength), buf.getInt(storeHostAt + storeHostLength),
                buf.getInt(reconsumeAt), buf.getLong(reconsumeAt + 4), body, topic(buf, at), properties(buf, at));
    }

    private static byte[] bytes(ByteBuffer buf, int at, int length) {
        byte[] out = new byte[length];
        buf.get(at, out);
        return out;
    }

    private static String string(ByteBuffer buf, int at, int length) {
        return new String(bytes(buf, at, length), StandardCharsets.UTF_8);
    }
}
