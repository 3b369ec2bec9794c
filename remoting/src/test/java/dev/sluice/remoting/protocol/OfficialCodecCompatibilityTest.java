package dev.sluice.remoting.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.SerializeType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Apache RocketMQ 4.9.7's own codec is the oracle: each side decodes what the other encodes. */
class OfficialCodecCompatibilityTest {
    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void officialCodecDecodesOurFrames(SerializeType type) throws Exception {
        RemotingCommand ours = RemotingCommand.request(105);
        ours.putExtField("topic", "TopicTest").putExtField("acceptStandardJsonOnly", true);
        ours.setRemark("remark ü");
        ours.setBody(new byte[] {9, 8, 7});
        ours.setSerializeType(type);
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(ours, out);
        out.skipBytes(CommandCodec.LENGTH_FIELD_SIZE);
        byte[] frame = new byte[out.readableBytes()];
        out.readBytes(frame);

        org.apache.rocketmq.remoting.protocol.RemotingCommand theirs =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.decode(ByteBuffer.wrap(frame));

        assertEquals(105, theirs.getCode());
        assertEquals(ours.opaque(), theirs.getOpaque());
        assertEquals(0, theirs.getFlag());
        assertEquals(407, theirs.getVersion());
        assertEquals("JAVA", theirs.getLanguage().name());
        assertEquals("remark ü", theirs.getRemark());
        assertEquals(Map.of("topic", "TopicTest", "acceptStandardJsonOnly", "true"), theirs.getExtFields());
        assertArrayEquals(new byte[] {9, 8, 7}, theirs.getBody());
    }

    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void weDecodeTheOfficialCodecsFrames(SerializeType type) throws Exception {
        org.apache.rocketmq.remoting.protocol.RemotingCommand theirs =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.createResponseCommand(17, "No topic route info");
        theirs.setOpaque(42);
        theirs.addExtField("brokerName", "broker-a");
        theirs.setBody(new byte[] {1});
        theirs.setSerializeTypeCurrentRPC(org.apache.rocketmq.remoting.protocol.SerializeType.valueOf(type.name()));
        ByteBuffer encoded = theirs.encode();

        ByteBuf frame = Unpooled.wrappedBuffer(encoded);
        assertEquals(frame.readableBytes() - 4, frame.readInt());
        RemotingCommand ours = CommandCodec.decode(frame);

        assertEquals(17, ours.code());
        assertEquals(42, ours.opaque());
        assertEquals(true, ours.isResponse());
        assertEquals("No topic route info", ours.remark());
        assertEquals("broker-a", ours.extField("brokerName"));
        assertArrayEquals(new byte[] {1}, ours.body());
        assertEquals(type, ours.serializeType());
    }
}
