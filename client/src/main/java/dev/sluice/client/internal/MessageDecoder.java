package dev.sluice.client.internal;

import dev.sluice.client.ReceivedMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

/** Decodes stored message records (PULL_MESSAGE, QUERY_MESSAGE, VIEW_MESSAGE_BY_ID bodies), field by field. */
public final class MessageDecoder {
    private static final int BORNHOST_V6 = 0x10;
    private static final int STOREHOST_V6 = 0x20;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private MessageDecoder() {
    }

    /** Every record in {@code body}; a malformed record is an {@link IllegalArgumentException} naming its position. */
    public static List<ReceivedMessage> decodeAll(byte[] body, String brokerName) {
        List<ReceivedMessage> messages = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(body);
        while (buffer.hasRemaining()) {
            int start = buffer.position();
            try {
                messages.add(decode(buffer, brokerName));
            } catch (BufferUnderflowException | DataFormatException | IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed message record at byte " + start + " of " + body.length
                        + ": " + e, e);
            }
        }
        return messages;
    }

    private static ReceivedMessage decode(ByteBuffer buffer, String brokerName) throws DataFormatException {
        buffer.getInt(); // total size: not trusted, the fields are read in order
        buffer.getInt(); // magic code
        buffer.getInt(); // body CRC
        int queueId = buffer.getInt();
        int flag = buffer.getInt();
        long queueOffset = buffer.getLong();
        long commitLogOffset = buffer.getLong();
        int sysFlag = buffer.getInt();
        long bornTimestamp = buffer.getLong();
        String bornHost = host(buffer, (sysFlag & BORNHOST_V6) != 0);
        long storeTimestamp = buffer.getLong();
        int storeHostStart = buffer.position();
        String storeHost = host(buffer, (sysFlag & STOREHOST_V6) != 0);
        byte[] storeHostBytes = new byte[buffer.position() - storeHostStart];
        buffer.get(storeHostStart, storeHostBytes);
        int reconsumeTimes = buffer.getInt();
        long preparedTransactionOffset = buffer.getLong();
        int bodyLength = buffer.getInt();
        if (bodyLength < 0 || bodyLength > buffer.remaining()) {
            throw new IllegalArgumentException("body length " + bodyLength);
        }
        byte[] messageBody = new byte[bodyLength];
        buffer.get(messageBody);
        if ((sysFlag & BodyCompression.COMPRESSED_FLAG) != 0) {
            messageBody = BodyCompression.decompress(messageBody, sysFlag);
        }
        int topicLength = Byte.toUnsignedInt(buffer.get());
        byte[] topic = new byte[topicLength];
        buffer.get(topic);
        int propertiesLength = Short.toUnsignedInt(buffer.getShort());
        byte[] properties = new byte[propertiesLength];
        buffer.get(properties);
        Map<String, String> props = MessageProperties.decode(new String(properties, StandardCharsets.UTF_8));
        return new ReceivedMessage(new String(topic, StandardCharsets.UTF_8), brokerName, queueId, queueOffset,
                commitLogOffset, sysFlag, flag, bornTimestamp, bornHost, storeTimestamp, storeHost, reconsumeTimes,
                preparedTransactionOffset, Map.copyOf(props), messageBody, offsetMsgId(storeHostBytes, commitLogOffset));
    }

    private static String host(ByteBuffer buffer, boolean v6) {
        byte[] ip = new byte[v6 ? 16 : 4];
        buffer.get(ip);
        int port = buffer.getInt();
        try {
            String address = InetAddress.getByAddress(ip).getHostAddress();
            return (v6 ? "[" + address + "]" : address) + ":" + port;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address bytes", e);
        }
    }

    /** Store host IP + port (4 bytes) + commit-log offset (8 bytes), in upper-case hex (spec §6.2). */
    public static String offsetMsgId(byte[] storeHostIpAndPort, long commitLogOffset) {
        ByteBuffer id = ByteBuffer.allocate(storeHostIpAndPort.length + 8);
        id.put(storeHostIpAndPort).putLong(commitLogOffset);
        return HEX.formatHex(id.array());
    }

    /** Decodes an offsetMsgId into the broker address it names and the commit-log offset of the message. */
    public static OffsetMsgId parseOffsetMsgId(String msgId) {
        byte[] bytes;
        try {
            bytes = HEX.parseHex(msgId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("message id is not hex: " + msgId, e);
        }
        if (bytes.length != 16 && bytes.length != 28) {
            throw new IllegalArgumentException("message id must be 32 (IPv4) or 56 (IPv6) hex characters: " + msgId);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        String host = host(buffer, bytes.length == 28);
        return new OffsetMsgId(host, buffer.getLong());
    }

    /** What an offsetMsgId encodes: the broker that stored the message and where. */
    public record OffsetMsgId(String brokerAddress, long commitLogOffset) {
    }
}
