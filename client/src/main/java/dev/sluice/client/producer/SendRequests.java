package dev.sluice.client.producer;

import dev.sluice.client.Message;
import dev.sluice.client.MessageProperty;
import dev.sluice.client.internal.MessageProperties;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE requests (short header names a..m, spec §8.1 and §5.5). */
final class SendRequests {
    static final String AUTO_CREATE_TOPIC = "TBW102";
    static final int DEFAULT_TOPIC_QUEUE_NUMS = 4;
    private static final String RETRY_PREFIX = "%RETRY%";

    private SendRequests() {
    }

    /** One message; a %RETRY% message's reconsume bookkeeping moves from its properties into the header. */
    static RemotingCommand single(String group, String brokerName, int queueId, Message message, byte[] body, int sysFlag) {
        Map<String, String> properties = new LinkedHashMap<>(message.properties());
        int code = "reply".equals(properties.get(MessageProperty.MSG_TYPE))
                ? RequestCode.SEND_REPLY_MESSAGE_V2 : RequestCode.SEND_MESSAGE_V2;
        RemotingCommand request = header(code, group, brokerName, message.topic(), queueId, sysFlag, message.flag());
        if (message.topic().startsWith(RETRY_PREFIX)) {
            request.putExtField("j", properties.remove(MessageProperty.RECONSUME_TIME));
            request.putExtField("l", properties.remove(MessageProperty.MAX_RECONSUME_TIMES));
        } else {
            request.putExtField("j", 0);
        }
        request.putExtField("i", MessageProperties.encode(properties));
        request.putExtField("m", false);
        return request.setBody(body);
    }

    /** Several messages of one topic in one request; each keeps its own properties (with its own UNIQ_KEY). */
    static RemotingCommand batch(String group, String brokerName, String topic, int queueId, List<Message> messages) {
        RemotingCommand request = header(RequestCode.SEND_BATCH_MESSAGE, group, brokerName, topic, queueId, 0, 0);
        request.putExtField("i", MessageProperties.encode(Map.of(MessageProperty.WAIT, "true")));
        request.putExtField("j", 0);
        request.putExtField("m", true);
        return request.setBody(encodeBatch(messages));
    }

    static byte[] encodeBatch(List<Message> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Message message : messages) {
            byte[] properties = MessageProperties.encode(message.properties()).getBytes(StandardCharsets.UTF_8);
            if (properties.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("message properties longer than 32767 bytes");
            }
            byte[] body = message.body();
            int total = 4 + 4 + 4 + 4 + 4 + body.length + 2 + properties.length;
            ByteBuffer record = ByteBuffer.allocate(total);
            record.putInt(total).putInt(0).putInt(0).putInt(message.flag()).putInt(body.length).put(body)
                    .putShort((short) properties.length).put(properties);
            out.writeBytes(record.array());
        }
        return out.toByteArray();
    }

    private static RemotingCommand header(int code, String group, String brokerName, String topic, int queueId,
            int sysFlag, int flag) {
        return RemotingCommand.request(code)
                .putExtField("a", group)
                .putExtField("b", topic)
                .putExtField("c", AUTO_CREATE_TOPIC)
                .putExtField("d", DEFAULT_TOPIC_QUEUE_NUMS)
                .putExtField("e", queueId)
                .putExtField("f", sysFlag)
                .putExtField("g", System.currentTimeMillis())
                .putExtField("h", flag)
                .putExtField("k", false)
                .putExtField("bname", brokerName);
    }
}
