package dev.sluice.broker.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.broker.StubRemotingClient;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.ResponseCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.rocketmq.common.protocol.body.RegisterBrokerBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compressedRegister: the registration body in RocketMQ's deflated form, read back by RocketMQ 4.9.7's own
 * RegisterBrokerBody.decode, with its CRC in the header; under maintenance every topic carries the broker's permission.
 */
class CompressedRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void rocketMqReadsTheCompressedBodyAsTheTopicTable() throws Exception {
        Properties p = new Properties();
        p.setProperty("brokerName", "compressing");
        p.setProperty("namesrvAddr", "10.0.0.1:9876");
        p.setProperty("compressedRegister", "true");
        BrokerConfig config = BrokerConfig.fromProperties(p, new ArrayList<>());
        TopicTable topics = new TopicTable(config, new JsonFile(dir.resolve("topics.json")));
        topics.load();
        topics.put(TopicConfig.of("Orders", 8, Perm.READ | Perm.WRITE));
        topics.put(TopicConfig.of("Audit_Log-2", 2, Perm.READ));
        Capturing client = new Capturing();
        NameServerRegistrar registrar = new NameServerRegistrar(config, topics, client, 10911, 10912);

        for (int perm : new int[] {6, 4}) {
            config.set(BrokerConfig.BROKER_PERMISSION, String.valueOf(perm));
            registrar.registerAll().get(10, TimeUnit.SECONDS);
            RemotingCommand sent = client.sent.get(client.sent.size() - 1);
            assertEquals("true", sent.extField("compressed"));
            CRC32 crc = new CRC32();
            crc.update(sent.body());
            assertEquals(String.valueOf(crc.getValue() & 0x7FFFFFFF), sent.extField("bodyCrc32"));

            RegisterBrokerBody decoded = RegisterBrokerBody.decode(sent.body(), true);
            Map<String, String> theirs = new TreeMap<>();
            decoded.getTopicConfigSerializeWrapper().getTopicConfigTable().forEach((name, t) ->
                    theirs.put(name, t.getReadQueueNums() + "/" + t.getWriteQueueNums() + "/" + t.getPerm() + "/"
                            + t.getTopicFilterType()));
            Map<String, String> ours = new TreeMap<>();
            for (TopicConfig t : topics.all()) {
                int registeredPerm = perm == 6 ? t.perm() : perm;
                ours.put(t.topicName(), t.readQueueNums() + "/" + t.writeQueueNums() + "/" + registeredPerm + "/"
                        + t.topicFilterType());
            }
            assertEquals(ours, theirs, "brokerPermission " + perm);
            assertEquals(topics.dataVersion().toJson().get("counter"),
                    decoded.getTopicConfigSerializeWrapper().getDataVersion().getCounter().get());
            assertEquals(List.of(), decoded.getFilterServerList());
        }
    }

    /** Answers every registration at once and keeps what was sent. */
    private static final class Capturing extends StubRemotingClient {
        final List<RemotingCommand> sent = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request,
                                                                           long timeoutMillis) {
            sent.add(request);
            return CompletableFuture.completedFuture(RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null));
        }
    }
}
