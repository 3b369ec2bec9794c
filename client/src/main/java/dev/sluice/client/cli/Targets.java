package dev.sluice.client.cli;

import dev.sluice.client.ClientException;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.admin.ClusterInfo;
import dev.sluice.client.internal.BrokerData;
import java.util.ArrayList;
import java.util.List;

/** Which brokers a command addresses: {@code -b <addr>} one broker, {@code -c <cluster>} every master of a cluster. */
final class Targets {
    static final Option BROKER = Option.optional("b", "brokerAddr", "addr", "the broker to address (ip:port)");
    static final Option CLUSTER = Option.optional("c", "clusterName", "cluster", "every master of this cluster");

    private Targets() {
    }

    static void requireOne(ParsedArgs args) throws UsageException {
        if (args.has("brokerAddr") == args.has("clusterName")) {
            throw new UsageException("give either -b <brokerAddr> or -c <clusterName>");
        }
    }

    /** The addressed masters: the -b address, or the masters of the -c cluster. */
    static List<String> masters(ParsedArgs args, Admin admin) throws UsageException, ClientException {
        requireOne(args);
        if (args.has("brokerAddr")) {
            return List.of(args.get("brokerAddr"));
        }
        String cluster = args.get("clusterName");
        ClusterInfo info = admin.clusterInfo();
        cluster(info, cluster);
        List<String> masters = info.masterAddresses(cluster);
        if (masters.isEmpty()) {
            throw new ClientException("cluster " + cluster + " has no live master");
        }
        return masters;
    }

    /** The broker groups of a cluster, sorted by name; unknown cluster is an error. */
    static List<BrokerData> cluster(ClusterInfo info, String cluster) throws ClientException {
        List<String> names = info.clusters().get(cluster);
        if (names == null) {
            throw new ClientException("cluster " + cluster + " is not known to the name servers (known: "
                    + String.join(", ", info.clusters().keySet()) + ")");
        }
        List<BrokerData> groups = new ArrayList<>();
        for (String name : names) {
            BrokerData broker = info.broker(name);
            if (broker != null) {
                groups.add(broker);
            }
        }
        return groups;
    }

    /** The broker group that has {@code addr} among its addresses. */
    static BrokerData groupOf(ClusterInfo info, String addr) throws ClientException {
        for (BrokerData broker : info.brokers().values()) {
            if (broker.addresses().containsValue(addr)) {
                return broker;
            }
        }
        throw new ClientException("no broker at " + addr + " is registered with the name servers");
    }
}
