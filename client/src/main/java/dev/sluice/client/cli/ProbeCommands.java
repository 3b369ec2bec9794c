package dev.sluice.client.cli;

import static dev.sluice.client.cli.Format.f;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.Message;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.admin.ClusterInfo;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.producer.Producer;
import dev.sluice.client.producer.SendResult;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Commands that time real sends: each broker group answers on a topic named after it (brokerTopicEnable), so a send
 * there measures that group alone.
 */
final class ProbeCommands {
    private static final String RT_HEADER = "%-24s  %-24s  %-4s  %-8s  %-8s%n";
    private static final String RT_ROW = "%-24s  %-24s  %-8s  %-16s  %-16s%n";
    /** RocketMQ's tool stamps its -p lines in China Standard Time, whatever the host's zone. */
    private static final DateTimeFormatter TLOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.ofHours(8));

    private ProbeCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("clusterRT", "Send to every broker group again and again, printing the mean send time"
                        + " (until interrupted)",
                        List.of(Option.optional("a", "amount", "count", "messages per broker group and round (default 100)"),
                                Option.optional("s", "size", "bytes", "message body size (default 128)"),
                                Option.optional("c", "cluster", "cluster", "only this cluster (default: every cluster)"),
                                Option.optional("p", "printLog", "true|false", "print 'time|room|cluster|broker|rt' lines"
                                        + " instead of the table (default false)"),
                                Option.optional("m", "machineRoom", "room", "machine room for -p lines (default noname)"),
                                Option.optional("i", "interval", "seconds", "pause between rounds (default 10)")),
                        ProbeCommands::clusterRT),
                new Command("sendMsgStatus", "Send messages to one broker group and print each send's time and result",
                        List.of(Option.required("b", "brokerName", "name", "broker name"),
                                Option.optional("s", "messageSize", "bytes", "message body size (default 128)"),
                                Option.optional("c", "count", "count", "messages to send (default 50)")),
                        ProbeCommands::sendMsgStatus));
    }

    /**
     * Rounds of {@code -a} sends to each broker group, one table row (or -p line) per group and round; the first send
     * of each round warms the connection and is left out of the mean. Runs until the thread is interrupted (Ctrl-C).
     * Each send gets its own message id, unlike RocketMQ's tool, which sends one message object (one id) a round.
     */
    private static void clusterRT(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        long amount = args.getLong("amount", 100);
        if (amount < 2) {
            throw new UsageException("--amount must be at least 2: the first send of a round is not timed");
        }
        int size = args.getInt("size", 128);
        long intervalMillis = args.getLong("interval", 10) * 1000;
        boolean tlog = args.getBoolean("printLog", false);
        String room = args.get("machineRoom", "noname");
        ClusterInfo info = admin.clusterInfo();
        List<String> clusters = args.has("cluster") ? List.of(args.get("cluster")) : List.copyOf(info.clusters().keySet());
        for (String cluster : clusters) {
            Targets.cluster(info, cluster);
        }
        if (!tlog) {
            out.print(f(RT_HEADER, "#Cluster Name", "#Broker Name", "#RT", "#successCount", "#failCount"));
        }
        byte[] body = "a".repeat(size).getBytes(StandardCharsets.UTF_8);
        try (Producer producer = producer(admin, Long.toString(System.currentTimeMillis()))) {
            while (true) {
                for (String cluster : clusters) {
                    for (BrokerData broker : Targets.cluster(admin.clusterInfo(), cluster)) {
                        printRound(out, tlog, room, cluster, broker.brokerName(), producer, body, amount);
                    }
                }
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void printRound(PrintStream out, boolean tlog, String room, String cluster, String brokerName,
                                   Producer producer, byte[] body, long amount) {
        long timedMillis = 0;
        int succeeded = 0;
        int failed = 0;
        for (long i = 0; i < amount; i++) {
            long start = System.currentTimeMillis();
            try {
                producer.send(new Message(brokerName, body));
                succeeded++;
            } catch (ClientException e) {
                failed++;
            }
            if (i > 0) {
                timedMillis += System.currentTimeMillis() - start;
            }
        }
        double rt = (double) timedMillis / (amount - 1);
        if (tlog) {
            out.print(f("%s|%s|%s|%s|%s%n", TLOG_TIME.format(ZonedDateTime.now()), room, cluster, brokerName,
                    new BigDecimal(rt).setScale(0, RoundingMode.HALF_UP)));
        } else {
            out.print(f(RT_ROW, cluster, brokerName, f("%.2f", rt), succeeded, failed));
        }
    }

    /** One untimed 16-byte send to warm up, then {@code -c} timed sends; a failed send ends the command. */
    private static void sendMsgStatus(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String brokerName = args.get("brokerName").trim();
        int size = args.getInt("messageSize", 128);
        int count = args.getInt("count", 50);
        try (Producer producer = producer(admin, "PID_SMSC")) {
            producer.send(helloMessage(brokerName, 16));
            for (int i = 0; i < count; i++) {
                long start = System.currentTimeMillis();
                SendResult result = producer.send(helloMessage(brokerName, size));
                out.print(f("rt=%sms, SendResult=%s%n", System.currentTimeMillis() - start, describe(result)));
            }
        }
    }

    private static Producer producer(Admin admin, String group) throws UsageException {
        if (admin.nameServerAddresses().isEmpty()) {
            throw new UsageException("no name server: give -n <namesrvAddr> or set NAMESRV_ADDR");
        }
        return new Producer(group, new ClientConfig().namesrvAddr(String.join(";", admin.nameServerAddresses()))).start();
    }

    /** "hello jodie" repeated up to {@code size} bytes, as RocketMQ's tool builds its bodies. */
    private static Message helloMessage(String topic, int size) {
        return new Message(topic, "hello jodie".repeat((size + 10) / 11).getBytes(StandardCharsets.UTF_8));
    }

    /** The result in the shape of RocketMQ's SendResult.toString, which scripts grep. */
    private static String describe(SendResult r) {
        return f("SendResult [sendStatus=%s, msgId=%s, offsetMsgId=%s, messageQueue=MessageQueue [topic=%s, brokerName=%s,"
                        + " queueId=%d], queueOffset=%d]", r.status(), r.msgId(), r.offsetMsgId(), r.queue().topic(),
                r.queue().brokerName(), r.queue().queueId(), r.queueOffset());
    }
}
