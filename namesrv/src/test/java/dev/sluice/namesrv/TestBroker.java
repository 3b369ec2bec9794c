package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.apache.rocketmq.common.DataVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.common.protocol.body.TopicConfigSerializeWrapper;

/**
 * A broker as the name server sees it: its own connection (our remoting client) sending REGISTER_BROKER the way
 * a 4.9.7 broker does. The body is produced by Apache RocketMQ's own RegisterBrokerBody so its JSON (or compressed
 * form) is exactly what real brokers send.
 */
final class TestBroker implements AutoCloseable {
    final String cluster;
    final String brokerName;
    final long brokerId;
    final String brokerAddr;
    final String haServerAddr;
    private final NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig());
    private final ConcurrentHashMap<String, TopicConfig> topics = new ConcurrentHashMap<>();
    private final DataVersion dataVersion = new DataVersion();

    TestBroker(String cluster, String brokerName, long brokerId, int port) {
        this.cluster = cluster;
        this.brokerName = brokerName;
        this.brokerId = brokerId;
        this.brokerAddr = "127.0.0.1:" + port;
        this.haServerAddr = "127.0.0.1:" + (port + 1);
    }

    TestBroker topic(String name, int queues, int perm) {
        TopicConfig config = new TopicConfig(name, queues, queues, perm);
        topics.put(name, config);
        dataVersion.nextVersion();
        return this;
    }

    RemotingCommand register(String namesrvAddr, boolean compressed) throws Exception {
        TopicConfigSerializeWrapper wrapper = new TopicConfigSerializeWrapper();
        wrapper.setTopicConfigTable(new ConcurrentHashMap<>(topics));
        wrapper.setDataVersion(dataVersion);
        RegisterBrokerBody body = new RegisterBrokerBody();
        body.setTopicConfigSerializeWrapper(wrapper);
        byte[] bytes = body.encode(compressed);
        CRC32 crc = new CRC32();
        crc.update(bytes);

        RemotingCommand request = RemotingCommand.request(RequestCode.REGISTER_BROKER)
                .putExtField("brokerAddr", brokerAddr)
                .putExtField("brokerId", brokerId)
                .putExtField("brokerName", brokerName)
                .putExtField("clusterName", cluster)
                .putExtField("haServerAddr", haServerAddr)
                .putExtField("compressed", compressed)
                .putExtField("bodyCrc32", crc.getValue() & 0x7FFFFFFF);
        request.setBody(bytes);
        return client.invokeSync(namesrvAddr, request, 6000);
    }

    RemotingCommand send(String namesrvAddr, RemotingCommand request) throws Exception {
        return client.invokeSync(namesrvAddr, request, 6000);
    }

    /** Drops this broker's connection to the name server, as a crashed broker's connection drops. */
    void disconnect(String namesrvAddr) {
        client.closeConnection(namesrvAddr);
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * Distinct free ports: the sockets stay open until all are picked, since ports picked one after another may
     * repeat, and two brokers at one address are one broker to the name server (OfficialAdminClientTest failed so, 1 run in
     * ~40).
     */
    static int[] unusedPorts(int n) throws Exception {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
