package dev.sluice.broker;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the official producer sees from a SYNC_MASTER as its slave comes and goes. */
class SyncMasterSendStatusTest {
    @TempDir
    Path home;

    @Test
    void slaveNotAvailableWithoutASlave_sendOkWithOne() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            Broker master = cluster.startBroker(MasterSlaveTest.brokerA(cluster, home, "SYNC_MASTER"));
            DefaultMQProducer producer = cluster.producer("SyncStatusProducer");
            assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, producer.send(new Message("SyncStatusTopic", "a".getBytes())).getSendStatus());

            Broker slave = cluster.startBroker(MasterSlaveTest.brokerA(cluster, home, "SLAVE"));
            Deadline.await("the slave connects", Duration.ofSeconds(30),
                    () -> ReplicationFailoverTest.runtimeInfo(raw, master.address()).get("haConnections").equals("1"));
            assertEquals(SendStatus.SEND_OK, producer.send(new Message("SyncStatusTopic", "b".getBytes())).getSendStatus());

            slave.close();
            Deadline.await("the master sees the slave leave", Duration.ofSeconds(30),
                    () -> ReplicationFailoverTest.runtimeInfo(raw, master.address()).get("haConnections").equals("0"));
            assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, producer.send(new Message("SyncStatusTopic", "c".getBytes())).getSendStatus());
        }
    }
}
