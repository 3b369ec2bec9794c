package dev.sluice.namesrv;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wire-level behaviour of the name server beyond what the official admin exercises: quirks and bad input. */
class NamesrvProtocolTest {
    @TempDir
    Path tempDir;

    private NamesrvController namesrv;
    private String namesrvAddr;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(tempDir.resolve("kv.json")).configStorePath(tempDir.resolve("namesrv.properties"))
                .orderMessageEnable(true), new MutableClock(1_700_000_000_000L));
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
        broker = new TestBroker("c", "a", 0, 10911).topic("T", 4, 6);
        assertEquals(ResponseCode.SUCCESS, broker.register(namesrvAddr, false).code());
    }

    @AfterEach
    void stop() {
        broker.close();
        namesrv.close();
    }

    @Test
    void routeKeysAreQuotedForNewClientsAndUnquotedForOldOnes() throws Exception {
        String unquoted = "{\"brokerDatas\":[{\"brokerAddrs\":{0:\"127.0.0.1:10911\"},\"brokerName\":\"a\",\"cluster\":\"c\"}],"
                + "\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"a\",\"perm\":6,\"readQueueNums\":4,"
                + "\"topicSysFlag\":0,\"writeQueueNums\":4}]}";
        String quoted = unquoted.replace("{0:", "{\"0\":");
        assertEquals(unquoted, routeBody(400, null));
        assertEquals(quoted, routeBody(401, null));
        assertEquals(quoted, routeBody(100, "true"));
    }

    @Test
    void orderTopicConfigReachesRoutesAndRegistrations() throws Exception {
        RemotingCommand put = RemotingCommand.request(RequestCode.PUT_KV_CONFIG)
                .putExtField("namespace", "ORDER_TOPIC_CONFIG").putExtField("key", "T").putExtField("value", "a:4");
        assertEquals(ResponseCode.SUCCESS, broker.send(namesrvAddr, put).code());
        assertTrue(routeBody(407, null).contains("\"orderTopicConf\":\"a:4\","));
        RemotingCommand registered = broker.register(namesrvAddr, false);
        assertEquals("{\"table\":{\"T\":\"a:4\"}}", new String(registered.body(), StandardCharsets.UTF_8));
    }

    @Test
    void registrationsWithMissingFieldsBadBodiesOrWrongCrcAreRefusedClearly() throws Exception {
        RemotingCommand missing = RemotingCommand.request(RequestCode.REGISTER_BROKER).putExtField("brokerAddr", "h:1");
        RemotingCommand response = broker.send(namesrvAddr, missing);
        assertEquals(ResponseCode.SYSTEM_ERROR, response.code());
        assertEquals("the custom field <brokerName> is null", response.remark());

        RemotingCommand badBody = registerHeader().setBody("{\"topicConfigSerializeWrapper\":[1]}".getBytes(StandardCharsets.UTF_8));
        response = broker.send(namesrvAddr, badBody);
        assertEquals(ResponseCode.SYSTEM_ERROR, response.code());
        assertTrue(response.remark().startsWith("bad register body from h:2"), response.remark());

        RemotingCommand wrongCrc = registerHeader().putExtField("bodyCrc32", 12345).setBody("{}".getBytes(StandardCharsets.UTF_8));
        response = broker.send(namesrvAddr, wrongCrc);
        assertEquals(ResponseCode.SYSTEM_ERROR, response.code());
        assertTrue(response.remark().contains("bodyCrc32"), response.remark());

        RemotingCommand unknown = route(407, "Missing", null);
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, unknown.code());
        assertEquals("No topic route info in name server for the topic: Missing\n"
                + "See http://rocketmq.apache.org/docs/faq/ for further details.", unknown.remark());
        assertEquals(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, broker.send(namesrvAddr, RemotingCommand.request(9999)).code());
    }

    @Test
    void dataVersionQueryAndUnregister() throws Exception {
        RemotingCommand query = brokerHeader(RequestCode.QUERY_DATA_VERSION, "127.0.0.1:10911", 0)
                .setBody("{\"counter\":99,\"timestamp\":1}".getBytes(StandardCharsets.UTF_8));
        RemotingCommand response = broker.send(namesrvAddr, query);
        assertEquals(ResponseCode.SUCCESS, response.code());
        assertEquals("true", response.extField("changed"));
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).matches("\\{\"counter\":\\d+,\"timestamp\":\\d+}"));

        // A first registration may have carried some topics only: the next is asked for even at the same version.
        assertEquals(ResponseCode.SUCCESS, broker.register(namesrvAddr, false).code());
        RemotingCommand sameVersion = brokerHeader(RequestCode.QUERY_DATA_VERSION, "127.0.0.1:10911", 0).setBody(response.body());
        assertEquals("false", broker.send(namesrvAddr, sameVersion).extField("changed"));

        assertEquals(ResponseCode.SUCCESS,
                broker.send(namesrvAddr, brokerHeader(RequestCode.UNREGISTER_BROKER, "127.0.0.1:10911", 0)).code());
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, route(407, "T", null).code());
    }

    @Test
    void systemTopicListIsTheClusterAndBrokerNamesWithAMasterAddress() throws Exception {
        RemotingCommand response = broker.send(namesrvAddr, RemotingCommand.request(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS));
        assertEquals(ResponseCode.SUCCESS, response.code());
        assertEquals("{\"brokerAddr\":\"127.0.0.1:10911\",\"topicList\":[\"a\",\"c\"]}",
                new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void malformedSettingsUpdatesAreRefusedAndTheServerKeepsServing() throws Exception {
        byte[] badEscape = "brokerChannelExpiredTime=\\uZZZZ".getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {'o', 'r', 'd', 'e', 'r', '=', (byte) 0xC3, (byte) 0x28};
        for (byte[] body : new byte[][] {badEscape, notUtf8}) {
            RemotingCommand response = broker.send(namesrvAddr, RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG).setBody(body));
            assertEquals(ResponseCode.SYSTEM_ERROR, response.code());
            assertTrue(response.remark().startsWith("the body is not UTF-8 properties text"), response.remark());
        }
        assertFalse(Files.exists(tempDir.resolve("namesrv.properties")), "nothing saved");

        RemotingCommand settings = broker.send(namesrvAddr, RemotingCommand.request(RequestCode.GET_NAMESRV_CONFIG));
        assertEquals(ResponseCode.SUCCESS, settings.code());
        assertTrue(new String(settings.body(), StandardCharsets.UTF_8).contains("\nbrokerChannelExpiredTime=120000\n"));
        assertTrue(routeBody(407, null).startsWith("{\"brokerDatas\""));
    }

    private static RemotingCommand registerHeader() {
        return brokerHeader(RequestCode.REGISTER_BROKER, "h:2", 0).putExtField("haServerAddr", "h:3");
    }

    private static RemotingCommand brokerHeader(int code, String addr, long id) {
        return RemotingCommand.request(code).putExtField("brokerAddr", addr).putExtField("brokerName", "a")
                .putExtField("clusterName", "c").putExtField("brokerId", id);
    }

    private RemotingCommand route(int version, String topic, String acceptStandardJsonOnly) throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).putExtField("topic", topic)
                .putExtField("acceptStandardJsonOnly", acceptStandardJsonOnly);
        request.setVersion(version);
        return broker.send(namesrvAddr, request);
    }

    private String routeBody(int version, String acceptStandardJsonOnly) throws Exception {
        RemotingCommand response = route(version, "T", acceptStandardJsonOnly);
        assertEquals(ResponseCode.SUCCESS, response.code(), response.remark());
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
