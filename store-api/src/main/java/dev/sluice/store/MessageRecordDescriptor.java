package dev.sluice.store;

import java.nio.ByteBuffer;

/**
 * The RocketMQ v1 message record, as written to the CommitLog and sent in PULL bodies. Big-endian.
 *
 * <pre>
 *  0 TOTALSIZE int          4 MAGICCODE int (0xDAA320A7)   8 BODYCRC int (CRC32 &amp; 0x7FFFFFFF)
 * 12 QUEUEID int           16 FLAG int                    20 QUEUEOFFSET long
 * 28 PHYSICALOFFSET long   36 SYSFLAG int                 40 BORNTIMESTAMP long
 * 48 BORNHOST (4|16 bytes + int port)  STORETIMESTAMP long  STOREHOST (4|16 bytes + int port)
 *    RECONSUMETIMES int  PREPAREDTRANSACTIONOFFSET long
 *    BODYLENGTH int + body   TOPICLENGTH byte + topic   PROPERTIESLENGTH short + properties
 * </pre>
 *
 * <p>With IPv4 hosts the fixed part is 84 bytes. A CommitLog file that cannot hold the next record plus
 * 8 bytes ends with a BLANK marker: {@code int remaining, int 0xCBD43194}.
 */
public final class MessageRecordDescriptor {
    public static final int MAGIC_V1 = 0xDAA320A7;
    public static final int BLANK_MAGIC = 0xCBD43194;
    /** Bytes a BLANK marker needs; every file keeps room for one. */
    public static final int BLANK_LENGTH = 8;

    public static final int TOTAL_SIZE_OFFSET = 0;
    public static final int MAGIC_OFFSET = 4;
    public static final int BODY_CRC_OFFSET = 8;
    public static final int QUEUE_ID_OFFSET = 12;
    public static final int FLAG_OFFSET = 16;
    public static final int QUEUE_OFFSET_OFFSET = 20;
    public static final int PHYSICAL_OFFSET_OFFSET = 28;
    public static final int SYS_FLAG_OFFSET = 36;
    public static final int BORN_TIMESTAMP_OFFSET = 40;
    public static final int BORN_HOST_OFFSET = 48;

    private MessageRecordDescriptor() {
    }

    /** Bytes of a host field (address + port) for the given v6-ness. */
    public static int hostLength(boolean v6) {
        return v6 ? 20 : 8;
    }

    /** Offset of STORETIMESTAMP within a record. */
    public static int storeTimestampOffset(int sysFlag) {
        return BORN_HOST_OFFSET + hostLength((sysFlag & SysFlag.BORNHOST_V6) != 0);
    }

    /** Offset of STOREHOST within a record. */
    public static int storeHostOffset(int sysFlag) {
        return storeTimestampOffset(sysFlag) + 8;
    }

    /** Offset of RECONSUMETIMES within a record. */
    public static int reconsumeTimesOffset(int sysFlag) {
        return storeHostOffset(sysFlag) + hostLength((sysFlag & SysFlag.STOREHOST_V6) != 0);
    }

    /** Offset of BODYLENGTH within a record. */
    public static int bodyLengthOffset(int sysFlag) {
        return reconsumeTimesOffset(sysFlag) + 4 + 8;
    }

    /** Total record length for the given variable parts. */
    public static int recordLength(int sysFlag, int bodyLength, int topicLength, int propertiesLength) {
        return bodyLengthOffset(sysFlag) + 4 + bodyLength + 1 + topicLength + 2 + propertiesLength;
    }

    public static int totalSize(ByteBuffer buf, int at) {
        return buf.getInt(at + TOTAL_SIZE_OFFSET);
    }

    public static int magic(ByteBuffer buf, int at) {
        return buf.getInt(at + MAGIC_OFFSET);
    }

    public static int queueId(ByteBuffer buf, int at) {
        return buf.getInt(at + QUEUE_ID_OFFSET);
    }

    public static long queueOffset(ByteBuffer buf, int at) {
        return buf.getLong(at + QUEUE_OFFSET_OFFSET);
    }

    public static long physicalOffset(ByteBuffer buf, int at) {
        return buf.getLong(at + PHYSICAL_OFFSET_OFFSET);
    }

    public static int sysFlag(ByteBuffer buf, int at) {
        return buf.getInt(at + SYS_FLAG_OFFSET);
    }

    public static long storeTimestamp(ByteBuffer buf, int at) {
        return buf.getLong(at + storeTimestampOffset(sysFlag(buf, at)));
    }

    /** Writes the fields the store decides at append time into an encoded record. */
    public static void stamp(ByteBuffer buf, int at, long queueOffset, long physicalOffset, long storeTimestamp) {
        buf.putLong(at + QUEUE_OFFSET_OFFSET, queueOffset);
        buf.putLong(at + PHYSICAL_OFFSET_OFFSET, physicalOffset);
        buf.putLong(at + storeTimestampOffset(sysFlag(buf, at)), storeTimestamp);
    }
}
