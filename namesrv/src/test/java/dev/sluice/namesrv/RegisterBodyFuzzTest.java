package dev.sluice.namesrv;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.DeflaterOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mangled REGISTER_BROKER bodies (truncated, bytes flipped, garbage, compressed or not) get SUCCESS or a
 * SYSTEM_ERROR with a remark, never silence, and the name server keeps answering route queries correctly.
 */
class RegisterBodyFuzzTest {
    private static final String VALID_BODY = "{\"filterServerList\":[],\"topicConfigSerializeWrapper\":{\"dataVersion\":"
            + "{\"counter\":3,\"timestamp\":1700000000000},\"topicConfigTable\":{\"T\":{\"order\":false,\"perm\":6,"
            + "\"readQueueNums\":4,\"topicFilterType\":\"SINGLE_TAG\",\"topicName\":\"T\",\"topicSysFlag\":0,"
            + "\"writeQueueNums\":4}}}}";
    private static final Set<Integer> ACCEPTABLE = Set.of(ResponseCode.SUCCESS, ResponseCode.SYSTEM_ERROR);

    private static Path kvDir;
    private static NamesrvController namesrv;
    private static NettyRemotingClient client;
    private static String address;

    @BeforeContainer
    static void start() throws Exception {
        kvDir = Files.createTempDirectory("sluice-namesrv-fuzz");
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(kvDir.resolve("kv.json")), new MutableClock(1_700_000_000_000L));
        namesrv.start();
        address = "127.0.0.1:" + namesrv.port();
        client = new NettyRemotingClient(new RemotingClientConfig());
        RemotingCommand stable = register("stable", "127.0.0.1:1", VALID_BODY.getBytes(StandardCharsets.UTF_8), false);
        assertEquals(ResponseCode.SUCCESS, client.invokeSync(address, stable, 5000).code());
    }

    @AfterContainer
    static void stop() throws Exception {
        client.close();
        namesrv.close();
        Files.deleteIfExists(kvDir.resolve("kv.json"));
        Files.deleteIfExists(kvDir);
    }

    @Property(tries = 150)
    void mangledBodiesAreAnsweredAndDoNotDisturbRoutes(@ForAll("mangledBodies") byte[] body, @ForAll boolean compressed)
            throws Exception {
        byte[] sent = compressed ? deflate(body) : body;
        RemotingCommand response = client.invokeSync(address, register("fuzzed", "127.0.0.1:2", sent, compressed), 5000);
        assertTrue(ACCEPTABLE.contains(response.code()), "code " + response.code());
        if (response.code() == ResponseCode.SYSTEM_ERROR) {
            assertNotNull(response.remark());
        }

        RemotingCommand route = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).putExtField("topic", "T");
        RemotingCommand routeResponse = client.invokeSync(address, route, 5000);
        assertEquals(ResponseCode.SUCCESS, routeResponse.code());
        assertTrue(new String(routeResponse.body(), StandardCharsets.UTF_8).contains("\"brokerName\":\"stable\""));
    }

    /**
     * Routes are what clients build queue lists from: a topic with absurd queue counts or permissions is left out of
     * them, and the broker's other topics stay (refusing the whole registration took the broker out of every route).
     * RocketMQ's four permission bits (priority, read, write, inherit) all pass: perm 9 is priority and inherit.
     */
    @Example
    void absurdQueueCountsAndPermissionsLeaveOnlyThatTopicOutOfTheRoutes() throws Exception {
        String[] absurd = {"\"readQueueNums\":2147483647,\"writeQueueNums\":4,\"perm\":6",
                "\"readQueueNums\":4,\"writeQueueNums\":-1,\"perm\":6", "\"readQueueNums\":4,\"writeQueueNums\":4,\"perm\":-1",
                "\"readQueueNums\":4,\"writeQueueNums\":4,\"perm\":16"};
        for (int i = 0; i < absurd.length; i++) {
            String body = "{\"topicConfigSerializeWrapper\":{\"dataVersion\":{\"counter\":" + (i + 1)
                    + ",\"timestamp\":1},\"topicConfigTable\":{\"Absurd\":{" + absurd[i] + "},"
                    + "\"Fine\":{\"readQueueNums\":4,\"writeQueueNums\":4,\"perm\":9}}}}";
            RemotingCommand response = client.invokeSync(address,
                    register("absurd", "127.0.0.1:3", body.getBytes(StandardCharsets.UTF_8), false), 5000);
            assertEquals(ResponseCode.SUCCESS, response.code(), absurd[i]);
            assertEquals(ResponseCode.TOPIC_NOT_EXIST, route("Absurd").code(), absurd[i]);
            assertEquals(ResponseCode.SUCCESS, route("Fine").code(), absurd[i]);
        }
        byte[] compressed = deflate(compressedItems("{\"counter\":9,\"timestamp\":1}", "Absurd 4 70000 6 SINGLE_TAG",
                "Compressed 4 4 6 SINGLE_TAG"));
        RemotingCommand response = client.invokeSync(address, register("absurd", "127.0.0.1:3", compressed, true), 5000);
        assertEquals(ResponseCode.SUCCESS, response.code());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, route("Absurd").code());
        assertEquals(ResponseCode.SUCCESS, route("Compressed").code());
    }

    private RemotingCommand route(String topic) throws Exception {
        return client.invokeSync(address,
                RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).putExtField("topic", topic), 5000);
    }

    /** The inflated layout of a compressed registration: version, then one "name read write perm filter" per topic. */
    private static byte[] compressedItems(String version, String... topics) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        byte[] v = version.getBytes(StandardCharsets.UTF_8);
        out.writeInt(v.length);
        out.write(v);
        out.writeInt(topics.length);
        for (String t : topics) {
            byte[] item = t.getBytes(StandardCharsets.UTF_8);
            out.writeInt(item.length);
            out.write(item);
        }
        out.writeInt(2);
        out.write("[]".getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }

    @Provide
    Arbitrary<byte[]> mangledBodies() {
        byte[] valid = VALID_BODY.getBytes(StandardCharsets.UTF_8);
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, valid.length).map(n -> Arrays.copyOf(valid, n));
        Arbitrary<byte[]> flipped = Combinators.combine(Arbitraries.integers().between(0, valid.length - 1),
                Arbitraries.bytes()).as((at, value) -> {
                    byte[] copy = valid.clone();
                    copy[at] = value;
                    return copy;
                });
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> wrongShapes = Arbitraries.of("{}", "[]", "null", "{\"topicConfigSerializeWrapper\":5}",
                "{\"topicConfigSerializeWrapper\":{\"topicConfigTable\":{\"X\":{\"readQueueNums\":\"many\"}}}}",
                "{\"topicConfigSerializeWrapper\":{\"dataVersion\":{\"counter\":1e400}}}")
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(truncated, flipped, garbage, wrongShapes);
    }

    private static RemotingCommand register(String brokerName, String brokerAddr, byte[] body, boolean compressed) {
        return RemotingCommand.request(RequestCode.REGISTER_BROKER)
                .putExtField("brokerAddr", brokerAddr).putExtField("brokerId", 0).putExtField("brokerName", brokerName)
                .putExtField("clusterName", "c").putExtField("haServerAddr", brokerAddr).putExtField("compressed", compressed)
                .setBody(body);
    }

    private static byte[] deflate(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(out)) {
            deflater.write(bytes);
        }
        return out.toByteArray();
    }
}
