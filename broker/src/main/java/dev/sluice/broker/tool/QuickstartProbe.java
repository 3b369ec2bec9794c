package dev.sluice.broker.tool;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code quickstart-probe <broker ip:port> [count]}: sends a few messages to a broker the way a RocketMQ producer
 * does (SEND_MESSAGE_V2, topic auto-created from TBW102) and pulls them back (PULL_MESSAGE), printing each, so an
 * operator sees a fresh installation work without any client library. Exits non-zero if anything is missing.
 */
public final class QuickstartProbe {
    private static final String TOPIC = "QuickstartTopic";
    private static final long TIMEOUT = 10_000;

    private QuickstartProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: quickstart-probe <broker ip:port> [count]");
            System.exit(1);
        }
        String broker = args[0];
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            long firstOffset = -1;
            String run = Long.toString(System.currentTimeMillis(), 36);
            for (int i = 0; i < count; i++) {
                String properties = MessageProperties.encode(Map.of("TAGS", "TagA", "KEYS", "probe-" + run + "-" + i));
                RemotingCommand send = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                        .putExtField("a", "QuickstartProbeProducer").putExtField("b", TOPIC).putExtField("c", "TBW102")
                        .putExtField("d", 4).putExtField("e", 0).putExtField("f", 0)
                        .putExtField("g", System.currentTimeMillis()).putExtField("h", 0).putExtField("i", properties)
                        .setBody(("Hello Sluice " + i).getBytes(StandardCharsets.UTF_8));
                RemotingCommand sent = client.invokeSync(broker, send, TIMEOUT);
                if (sent.code() != ResponseCode.SUCCESS) {
                    fail("send " + i + " failed: code " + sent.code() + " " + sent.remark());
                }
                long offset = Long.parseLong(sent.extField("queueOffset"));
                firstOffset = firstOffset < 0 ? offset : firstOffset;
                System.out.printf("SEND_OK msgId=%s queue=%s offset=%d%n", sent.extField("msgId"), sent.extField("queueId"), offset);
            }
            int received = 0;
            long offset = firstOffset;
            while (received < count) {
                RemotingCommand pull = RemotingCommand.request(RequestCode.PULL_MESSAGE)
                        .putExtField("consumerGroup", "QuickstartProbeConsumer").putExtField("topic", TOPIC)
                        .putExtField("queueId", 0).putExtField("queueOffset", offset).putExtField("maxMsgNums", 32)
                        .putExtField("sysFlag", 0x4).putExtField("commitOffset", 0)
                        .putExtField("suspendTimeoutMillis", 0).putExtField("subscription", "*")
                        .putExtField("subVersion", 0).putExtField("expressionType", "TAG");
                RemotingCommand pulled = client.invokeSync(broker, pull, TIMEOUT);
                if (pulled.code() != ResponseCode.SUCCESS) {
                    fail("pull at offset " + offset + " found nothing: code " + pulled.code() + " " + pulled.remark());
                }
                ByteBuffer records = ByteBuffer.wrap(pulled.body());
                while (records.hasRemaining() && received < count) {
                    DecodedMessage m = MessageCodec.decode(records, records.position());
                    records.position(records.position() + m.totalSize());
                    System.out.printf("RECEIVED offset=%d keys=%s body=%s%n", m.queueOffset(), m.property("KEYS"),
                            new String(m.body(), StandardCharsets.UTF_8));
                    received++;
                }
                offset = Long.parseLong(pulled.extField("nextBeginOffset"));
            }
            System.out.println("Sluice works: sent and received " + count + " messages through " + broker);
        }
    }

    private static void fail(String why) {
        System.err.println("quickstart-probe: " + why);
        System.exit(2);
    }
}
