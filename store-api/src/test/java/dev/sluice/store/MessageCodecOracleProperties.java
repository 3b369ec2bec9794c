package dev.sluice.store;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our record codec against Apache RocketMQ 4.9.7's own MessageDecoder: what we write, the official client
 * decodes field for field, and what Apache encodes is byte for byte what we write.
 */
class MessageCodecOracleProperties {

    record Input(String topic, int queueId, int flag, byte[] body, Map<String, String> props, int sysFlag,
                 long born, byte[] bornHost, int bornPort, byte[] storeHost, int storePort, int reconsume,
                 long prepared, long queueOffset, long physical, long storeTime) {
    }

    @Provide
    Arbitrary<Input> inputs() {
        Arbitrary<String> topic = Arbitraries.strings().withChars("abcXYZ019%|_-").ofMinLength(1).ofMaxLength(127);
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<Map<String, String>> props = Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40)).ofMaxSize(6);
        Arbitrary<byte[]> host = Arbitraries.of(4, 16).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        Arbitrary<Integer> sysFlag = Arbitraries.of(0, SysFlag.TRANSACTION_PREPARED_TYPE, SysFlag.TRANSACTION_COMMIT_TYPE);
        return Combinators.combine(topic, Arbitraries.integers().between(0, 1023), Arbitraries.integers(), body, props,
                sysFlag, Arbitraries.longs().between(0, Long.MAX_VALUE / 2), host).flatAs((t, q, f, b, p, s, born, bh) ->
                Combinators.combine(Arbitraries.integers().between(0, 65535), host,
                        Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 16),
                        Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1L << 40),
                        Arbitraries.longs().between(0, 1L << 50), Arbitraries.longs().between(0, Long.MAX_VALUE / 2))
                        .as((bp, sh, sp, rc, prep, qo, phys, st) ->
                                new Input(t, q, f, b, p, s, born, bh, bp, sh, sp, rc, prep, qo, phys, st)));
    }

    private static ByteBuffer ours(Input in) {
        return ours(in, MessageProperties.encode(in.props()));
    }

    private static ByteBuffer ours(Input in, String properties) {
        AppendRequest m = new AppendRequest(in.topic(), in.queueId(), in.flag(), ByteBuffer.wrap(in.body()),
                MessageProperties.bytes(properties), in.sysFlag(), in.born(), in.bornHost(),
                in.bornPort(), in.reconsume(), in.prepared());
        ByteBuffer buf = ByteBuffer.allocate(8192);
        int length = MessageCodec.encode(m, MessageCodec.topicBytes(in.topic()), in.storeHost(), in.storePort(),
                new CRC32(), buf);
        MessageRecordDescriptor.stamp(buf, 0, in.queueOffset(), in.physical(), in.storeTime());
        buf.flip();
        assertEquals(length, buf.remaining());
        return buf;
    }

    @Property(tries = 300)
    void officialDecoderReadsWhatWeWrite(@ForAll("inputs") Input in) throws Exception {
        ByteBuffer record = ours(in);
        MessageExt m = MessageDecoder.decode(record.duplicate(), true, false, false);
        assertNotNull(m);
        assertEquals(in.topic(), m.getTopic());
        assertEquals(in.queueId(), m.getQueueId());
        assertEquals(in.flag(), m.getFlag());
        // Apache leaves an empty body null.
        assertArrayEquals(in.body(), m.getBody() == null ? new byte[0] : m.getBody());
        assertEquals(in.queueOffset(), m.getQueueOffset());
        assertEquals(in.physical(), m.getCommitLogOffset());
        assertEquals(in.storeTime(), m.getStoreTimestamp());
        assertEquals(in.born(), m.getBornTimestamp());
        assertEquals(in.reconsume(), m.getReconsumeTimes());
        assertEquals(in.prepared(), m.getPreparedTransactionOffset());
        assertEquals(MessageCodec.bodyCrc(ByteBuffer.wrap(in.body())), m.getBodyCRC());
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(in.bornHost()), in.bornPort()), m.getBornHost());
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(in.storeHost()), in.storePort()), m.getStoreHost());
        Map<String, String> props = m.getProperties() == null ? Map.of() : new LinkedHashMap<>(m.getProperties());
        assertEquals(in.props(), props);
        assertEquals(record.remaining(), m.getStoreSize());
        DecodedMessage back = MessageCodec.decode(record, 0);
        assertArrayEquals(in.body(), back.body());
        assertTrue(back.crcValid());
        assertEquals(record.remaining(), MessageCodec.wellFormedLength(record, 0, record.remaining()));
    }

    @Property(tries = 300)
    void officialEncoderWritesOurBytes(@ForAll("inputs") Input in) throws Exception {
        MessageExt m = new MessageExt();
        m.setTopic(in.topic());
        m.setQueueId(in.queueId());
        m.setFlag(in.flag());
        m.setBody(in.body());
        in.props().forEach(m::putUserProperty);
        int sysFlag = in.sysFlag() | (in.bornHost().length == 16 ? SysFlag.BORNHOST_V6 : 0)
                | (in.storeHost().length == 16 ? SysFlag.STOREHOST_V6 : 0);
        m.setSysFlag(sysFlag);
        m.setBornTimestamp(in.born());
        m.setBornHost(new InetSocketAddress(InetAddress.getByAddress(in.bornHost()), in.bornPort()));
        m.setStoreHost(new InetSocketAddress(InetAddress.getByAddress(in.storeHost()), in.storePort()));
        m.setReconsumeTimes(in.reconsume());
        m.setPreparedTransactionOffset(in.prepared());
        m.setQueueOffset(in.queueOffset());
        m.setCommitLogOffset(in.physical());
        m.setStoreTimestamp(in.storeTime());
        m.setBodyCRC(MessageCodec.bodyCrc(ByteBuffer.wrap(in.body())));
        byte[] theirs = MessageDecoder.encode(m, false);
        // Apache keeps properties in a HashMap: write ours in its order, the order is not meaningful.
        ByteBuffer record = ours(in, MessageDecoder.messageProperties2String(m.getProperties()));
        byte[] mine = new byte[record.remaining()];
        record.get(mine);
        assertArrayEquals(theirs, mine);
    }
}
