package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingConnection;
import java.util.List;

/** One REGISTER_BROKER request, decoded. */
record BrokerRegistration(String clusterName, String brokerAddr, String brokerName, long brokerId, String haServerAddr,
        DataVersion dataVersion, List<TopicConfig> topicConfigs, RemotingConnection connection) {

    boolean isMaster() {
        return brokerId == 0;
    }
}
