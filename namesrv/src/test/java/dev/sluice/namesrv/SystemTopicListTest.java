package dev.sluice.namesrv;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.common.protocol.body.TopicList;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET_SYSTEM_TOPIC_LIST_FROM_NS through Apache RocketMQ 4.9.7's client: our answer names the clusters, the
 * brokerNames and a master broker, which the client then asks for its own system topics and adds them.
 */
class SystemTopicListTest {
    static {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
    }

    @TempDir
    Path tempDir;

    private NamesrvController namesrv;
    private final ExecutorService brokerThread = Executors.newSingleThreadExecutor();
    private NettyRemotingServer masterEndpoint;
    private final AtomicInteger masterAsked = new AtomicInteger();
    private TestBroker slaveWithoutMaster;
    private TestBroker master;
    private TestBroker slave;
    private DefaultMQAdminExt admin;

    @BeforeEach
    void start() throws Exception {
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(tempDir.resolve("kv.json")).configStorePath(tempDir.resolve("namesrv.properties")),
                new MutableClock(1_700_000_000_000L));
        namesrv.start();
        String namesrvAddr = "127.0.0.1:" + namesrv.port();

        // The master's address answers GET_SYSTEM_TOPIC_LIST_FROM_BROKER as a broker does; the other addresses serve nothing.
        masterEndpoint = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").listenPort(0));
        masterEndpoint.registerProcessor(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, (connection, request) -> {
            masterAsked.incrementAndGet();
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                    .setBody("{\"topicList\":[\"SCHEDULE_TOPIC_XXXX\",\"TBW102\"]}".getBytes(StandardCharsets.UTF_8));
        }, brokerThread);
        masterEndpoint.start();
        int[] ports = TestBroker.unusedPorts(2);
        // "broker-0" sorts first and has no master: the name server must look past it.
        slaveWithoutMaster = new TestBroker("c2", "broker-0", 1, ports[0]);
        master = new TestBroker("c1", "broker-a", 0, masterEndpoint.port());
        slave = new TestBroker("c1", "broker-a", 1, ports[1]);
        for (TestBroker broker : new TestBroker[] {slaveWithoutMaster, master, slave}) {
            assertEquals(ResponseCode.SUCCESS, broker.register(namesrvAddr, false).code());
        }

        admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName("sluice-namesrv-systopics-" + System.nanoTime());
        admin.start();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.shutdown();
        }
        for (TestBroker broker : new TestBroker[] {slaveWithoutMaster, master, slave}) {
            if (broker != null) {
                broker.close();
            }
        }
        masterEndpoint.close();
        brokerThread.shutdownNow();
        namesrv.close();
    }

    @Test
    void clustersAndBrokerNamesAreSystemTopicsAndTheMasterAddsItsOwn() throws Exception {
        // The admin's own client instance, as DefaultMQAdminExt would use it.
        MQClientAPIImpl client = MQClientManager.getInstance().getOrCreateMQClientInstance(admin).getMQClientAPIImpl();
        TopicList topics = client.getSystemTopicList(5000);
        assertEquals(Set.of("c1", "c2", "broker-0", "broker-a", "SCHEDULE_TOPIC_XXXX", "TBW102"), topics.getTopicList());
        assertEquals(master.brokerAddr, topics.getBrokerAddr());
        assertEquals(1, masterAsked.get());
    }
}
