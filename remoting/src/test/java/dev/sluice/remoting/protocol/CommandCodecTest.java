package dev.sluice.remoting.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.SerializeType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
    @Test
    void binaryHeaderMatchesTheSpecExampleByteForByte() throws Exception {
        RemotingCommand request = routeRequest(SerializeType.ROCKETMQ);
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(request, out);
        assertEquals("0000002d010000290069000197000000000000000000000000000000140005746f706963000000095"
                + "46f70696354657374", ByteBufUtil.hexDump(out));
    }

    @Test
    void jsonHeaderMatchesWhatTheJavaClientSends() throws Exception {
        RemotingCommand request = routeRequest(SerializeType.JSON);
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(request, out);
        int length = out.readInt();
        int mark = out.readInt();
        assertEquals(0, mark >>> 24);
        byte[] header = new byte[mark & 0xFFFFFF];
        out.readBytes(header);
        assertEquals(length, 4 + header.length);
        assertEquals("{\"code\":105,\"extFields\":{\"topic\":\"TopicTest\"},\"flag\":0,\"language\":\"JAVA\",\"opaque\":0,"
                + "\"serializeTypeCurrentRPC\":\"JSON\",\"version\":407}", new String(header, StandardCharsets.UTF_8));
    }

    @Test
    void bothSerializationsRoundTripEveryField() throws Exception {
        for (SerializeType type : SerializeType.values()) {
            RemotingCommand command = new RemotingCommand();
            command.setCode(17);
            command.setLanguage(LanguageCode.GO);
            command.setVersion(401);
            command.setOpaque(-5);
            command.setFlag(3);
            command.setRemark("remark with ü");
            command.putExtField("a", 1).putExtField("ü", "value ü");
            command.setBody(new byte[] {1, 2, 3});
            command.setSerializeType(type);
            RemotingCommand decoded = roundTrip(command);
            assertEquals(17, decoded.code());
            assertEquals(LanguageCode.GO, decoded.language());
            assertEquals(401, decoded.version());
            assertEquals(-5, decoded.opaque());
            assertEquals(3, decoded.flag());
            assertEquals("remark with ü", decoded.remark());
            assertEquals(command.extFields(), decoded.extFields());
            assertArrayEquals(new byte[] {1, 2, 3}, decoded.body());
            assertEquals(type, decoded.serializeType());
        }
    }

    @Test
    void jsonHeaderWithoutOptionalKeysAndWithNonStringExtValuesIsAccepted() throws Exception {
        RemotingCommand decoded = decodeJson("{\"version\":407,\"code\":34,\"extFields\":{\"queueId\":3,\"flag\":true,"
                + "\"none\":null}}", new byte[0]);
        assertEquals(34, decoded.code());
        assertEquals(0, decoded.opaque());
        assertEquals(LanguageCode.JAVA, decoded.language());
        assertEquals("3", decoded.extField("queueId"));
        assertEquals("true", decoded.extField("flag"));
        assertNull(decoded.extField("none"));
        assertNull(decoded.body());
    }

    @Test
    void unknownLanguagesReadAsOther() throws Exception {
        assertEquals(LanguageCode.OTHER, decodeJson("{\"code\":1,\"language\":\"NODE_JS\"}", new byte[0]).language());
        assertEquals(LanguageCode.OTHER, decodeJson("{\"code\":1,\"language\":99}", new byte[0]).language());
        assertEquals(LanguageCode.RUST, decodeJson("{\"code\":1,\"language\":12}", new byte[0]).language());
    }

    @Test
    void rejectsHeaderLengthBeyondTheFrame() {
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(100);
        frame.writeBytes("{}".getBytes(StandardCharsets.UTF_8));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> CommandCodec.decode(frame));
        assertEquals(true, e.getMessage().contains("exceeds"));
    }

    @Test
    void rejectsBadHeaders() {
        assertThrows(FrameFormatException.class, () -> decodeJson("{\"code\":", new byte[0]));
        assertThrows(FrameFormatException.class, () -> decodeJson("{\"opaque\":1}", new byte[0]));
        assertThrows(FrameFormatException.class, () -> decodeJson("{\"code\":\"x\"}", new byte[0]));
        assertThrows(FrameFormatException.class, () -> decodeJson("[1]", new byte[0]));
        ByteBuf shortFrame = Unpooled.wrappedBuffer(new byte[] {0, 0});
        assertThrows(FrameFormatException.class, () -> CommandCodec.decode(shortFrame));
        ByteBuf unknownType = Unpooled.buffer().writeInt(7 << 24);
        assertThrows(FrameFormatException.class, () -> CommandCodec.decode(unknownType));
        ByteBuf binaryRemarkTooLong = Unpooled.buffer();
        binaryRemarkTooLong.writeInt((1 << 24) | 17).writeShort(1).writeByte(0).writeShort(0).writeInt(0).writeInt(0)
                .writeInt(1_000);
        assertThrows(FrameFormatException.class, () -> CommandCodec.decode(binaryRemarkTooLong));
    }

    private static RemotingCommand routeRequest(SerializeType type) {
        RemotingCommand request = new RemotingCommand();
        request.setCode(105);
        request.setOpaque(0);
        request.putExtField("topic", "TopicTest");
        request.setSerializeType(type);
        return request;
    }

    private static RemotingCommand roundTrip(RemotingCommand command) throws FrameFormatException {
        ByteBuf out = Unpooled.buffer();
        CommandCodec.encode(command, out);
        assertEquals(out.readableBytes() - 4, out.readInt());
        return CommandCodec.decode(out);
    }

    private static RemotingCommand decodeJson(String header, byte[] body) throws FrameFormatException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(headerBytes.length);
        frame.writeBytes(headerBytes);
        frame.writeBytes(body);
        return CommandCodec.decode(frame);
    }
}
