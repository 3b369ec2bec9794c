package dev.sluice.remoting.protocol;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compact "ROCKETMQ" header: short code, byte language, short version, int opaque, int flag,
 * int-length remark, int-length extFields block of (short-length key, int-length value) entries.
 */
final class BinaryHeader {
    private BinaryHeader() {
    }

    static byte[] encode(RemotingCommand command) {
        byte[] remark = command.remark() == null ? new byte[0] : command.remark().getBytes(StandardCharsets.UTF_8);
        List<byte[]> fields = new ArrayList<>();
        int fieldsLength = 0;
        for (Map.Entry<String, String> field : command.extFields().entrySet()) {
            byte[] key = field.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = field.getValue().getBytes(StandardCharsets.UTF_8);
            fields.add(key);
            fields.add(value);
            fieldsLength += 2 + key.length + 4 + value.length;
        }
        ByteBuffer out = ByteBuffer.allocate(2 + 1 + 2 + 4 + 4 + 4 + remark.length + 4 + fieldsLength);
        out.putShort((short) command.code());
        out.put(command.language().code());
        out.putShort((short) command.version());
        out.putInt(command.opaque());
        out.putInt(command.flag());
        out.putInt(remark.length);
        out.put(remark);
        out.putInt(fieldsLength);
        for (int i = 0; i < fields.size(); i += 2) {
            out.putShort((short) fields.get(i).length);
            out.put(fields.get(i));
            out.putInt(fields.get(i + 1).length);
            out.put(fields.get(i + 1));
        }
        return out.array();
    }

    static RemotingCommand decode(byte[] bytes) throws FrameFormatException {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            RemotingCommand command = new RemotingCommand();
            command.setCode(in.getShort());
            command.setLanguage(LanguageCode.ofCode(in.get()));
            command.setVersion(in.getShort());
            command.setOpaque(in.getInt());
            command.setFlag(in.getInt());
            int remarkLength = length(in.getInt(), in, "remark");
            if (remarkLength > 0) {
                command.setRemark(utf8(in, remarkLength));
            }
            int fieldsLength = length(in.getInt(), in, "extFields");
            ByteBuffer fields = in.slice().limit(fieldsLength);
            while (fields.hasRemaining()) {
                String key = utf8(fields, length(fields.getShort(), fields, "extFields key"));
                String value = utf8(fields, length(fields.getInt(), fields, "extFields value"));
                if (!key.isEmpty() && !value.isEmpty()) {
                    command.putExtField(key, value);
                }
            }
            return command;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new FrameFormatException("bad ROCKETMQ header: " + e, e);
        }
    }

    private static int length(int length, ByteBuffer in, String what) throws FrameFormatException {
        if (length < 0 || length > in.remaining()) {
            throw new FrameFormatException("bad ROCKETMQ header: " + what + " length " + length + " exceeds the header");
        }
        return length;
    }

    private static String utf8(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
