package dev.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.client.MessageQueue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicRouteTest {
    private static final String BODY = "{\"brokerDatas\":[{\"brokerAddrs\":{0:\"10.0.0.1:10911\",1:\"10.0.0.2:10911\"},"
            + "\"brokerName\":\"broker-b\",\"cluster\":\"c\"},{\"brokerAddrs\":{\"1\":\"10.0.0.4:10911\"},"
            + "\"brokerName\":\"broker-a\",\"cluster\":\"c\"}],\"filterServerTable\":{},\"queueDatas\":["
            + "{\"brokerName\":\"broker-b\",\"perm\":6,\"readQueueNums\":2,\"topicSysFlag\":0,\"writeQueueNums\":3},"
            + "{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":1,\"topicSysFlag\":0,\"writeQueueNums\":1}]}";

    @Test
    void parsesQuotedAndUnquotedBrokerIdsAndListsQueues() {
        TopicRoute route = TopicRoute.parse("T", BODY.getBytes(StandardCharsets.UTF_8));
        assertEquals("10.0.0.1:10911", route.masterAddress("broker-b"));
        assertNull(route.masterAddress("broker-a"), "broker-a has only a slave");
        // broker-a has no master: not writable; still readable (from its slave)
        assertEquals(List.of(new MessageQueue("T", "broker-b", 0), new MessageQueue("T", "broker-b", 1),
                new MessageQueue("T", "broker-b", 2)), route.writableQueues());
        assertEquals(List.of(new MessageQueue("T", "broker-a", 0), new MessageQueue("T", "broker-b", 0),
                new MessageQueue("T", "broker-b", 1)), route.readableQueues());
        assertEquals("10.0.0.4:10911", route.brokers().get("broker-a").addressForRead(0));
        assertEquals("10.0.0.2:10911", route.brokers().get("broker-b").addressForRead(1));
    }

    @Test
    void badBodyIsAClearError() {
        var e = assertThrows(RuntimeException.class,
                () -> TopicRoute.parse("T", "{\"queueDatas\":[{\"brokerName\":1}]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("queueData.brokerName is not a JSON string", e.getMessage());
    }

    @Test
    void nameServerListParsesAndRotatesOnFailure() {
        assertEquals(List.of("a:1", "b:2"), NameServerList.parse(" a:1; b:2 ;a:1;"));
        assertThrows(IllegalArgumentException.class, () -> NameServerList.parse("nohost"));
        assertThrows(IllegalArgumentException.class, () -> new NameServerList(List.of()));
        NameServerList list = new NameServerList(List.of("a:1", "b:2", "c:3"));
        String first = list.inTryOrder().get(0);
        list.failed(first);
        assertEquals(list.all().get((list.all().indexOf(first) + 1) % 3), list.inTryOrder().get(0));
        assertEquals(3, list.inTryOrder().size());
    }
}
