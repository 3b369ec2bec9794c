package dev.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.client.MessageProperty;
import dev.sluice.client.ReceivedMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;

/** Records and properties strings against the official 4.9.7 encoder and decoder. */
class MessageCodecProperties {
    private static final MessageExt STORE_HOST = new MessageExt();

    static {
        STORE_HOST.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
    }

    @Property(tries = 200)
    void propertiesStringsMatchTheOfficialCodec(@ForAll @Size(max = 6) Map<@AlphaChars @StringLength(min = 1, max = 8) String,
            @StringLength(min = 1, max = 20) String> properties) {
        Map<String, String> clean = new LinkedHashMap<>();
        properties.forEach((k, v) -> clean.put(k, v.replace('\u0001', 'x').replace('\u0002', 'y')));
        String ours = MessageProperties.encode(clean);
        assertEquals(MessageDecoder.string2messageProperties(ours), MessageProperties.decode(ours));
        assertEquals(clean, MessageProperties.decode(MessageDecoder.messageProperties2String(clean)));
    }

    @Property(tries = 100)
    void decodesRecordsTheOfficialEncoderWrites(@ForAll @Size(min = 1, max = 4) List<@StringLength(max = 300) String> bodies,
            @ForAll @IntRange(min = 0, max = 1000) int queueId, @ForAll boolean compress) throws Exception {
        ByteBuffer all = ByteBuffer.allocate(1 << 20);
        long offset = 1000;
        for (int i = 0; i < bodies.size(); i++) {
            MessageExt m = new MessageExt();
            m.setTopic("Topic" + i);
            m.setQueueId(queueId);
            m.setQueueOffset(offset + i);
            m.setCommitLogOffset(offset * 10 + i);
            m.setFlag(i);
            m.setBornTimestamp(1_700_000_000_000L + i);
            m.setStoreTimestamp(1_700_000_000_100L + i);
            m.setBornHost(new InetSocketAddress("10.1.2.3", 40000 + i));
            m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
            m.setReconsumeTimes(i);
            m.putUserProperty("k", "v" + i);
            m.setTags("Tag" + i);
            byte[] body = bodies.get(i).getBytes(StandardCharsets.UTF_8);
            if (compress) {
                m.setBody(BodyCompression.compress(body, 5));
                m.setSysFlag(MessageSysFlag.COMPRESSED_FLAG | 0x300);
            } else {
                m.setBody(body);
            }
            all.put(MessageDecoder.encode(m, false));
        }
        byte[] bytes = new byte[all.position()];
        all.flip().get(bytes);
        List<ReceivedMessage> decoded = dev.sluice.client.internal.MessageDecoder.decodeAll(bytes, "broker-a");
        assertEquals(bodies.size(), decoded.size());
        for (int i = 0; i < bodies.size(); i++) {
            ReceivedMessage r = decoded.get(i);
            assertEquals("Topic" + i, r.topic());
            assertEquals(queueId, r.queueId());
            assertEquals(offset + i, r.queueOffset());
            assertEquals(offset * 10 + i, r.commitLogOffset());
            assertEquals(i, r.reconsumeTimes());
            assertEquals("10.1.2.3:" + (40000 + i), r.bornHost());
            assertEquals("Tag" + i, r.tags());
            assertEquals("v" + i, r.property("k"));
            assertArrayEquals(bodies.get(i).getBytes(StandardCharsets.UTF_8), r.body());
            assertEquals(MessageDecoder.createMessageId(ByteBuffer.allocate(16), STORE_HOST.getStoreHostBytes(), r.commitLogOffset()),
                    r.offsetMsgId());
            assertEquals(r.offsetMsgId(), r.msgId(), "no UNIQ_KEY: the id is the offset id");
            assertEquals(null, r.property(MessageProperty.UNIQ_KEY));
        }
    }
}
