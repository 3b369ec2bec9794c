package dev.sluice.client.cli;

import static dev.sluice.client.cli.Format.f;

import dev.sluice.client.ClientException;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.admin.ClusterInfo;
import dev.sluice.client.internal.BrokerData;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Cluster- and broker-wide commands: status, configuration, write permission. */
final class ClusterCommands {
    private static final String CLUSTER_HEADER = "%-16s  %-22s  %-4s  %-22s %-16s %19s %19s %10s %5s %6s%n";
    private static final String TOTALS_HEADER = "%-16s  %-32s %14s %14s %14s %14s%n";

    private ClusterCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("clusterList", "List the clusters' brokers with their load (RocketMQ's columns)",
                        List.of(Option.flag("m", "moreStats", "print messages in and out yesterday and today instead"),
                                Option.optional("c", "clusterName", "cluster", "only this cluster")),
                        ClusterCommands::clusterList),
                new Command("brokerStatus", "Print a broker's runtime status keys",
                        List.of(Targets.BROKER, Option.optional("c", "clusterName", "cluster", "every broker of this cluster")),
                        ClusterCommands::brokerStatus),
                new Command("getBrokerConfig", "Print a broker's configuration",
                        List.of(Targets.BROKER, Option.optional("c", "clusterName", "cluster", "every broker of this cluster")),
                        ClusterCommands::getBrokerConfig),
                new Command("updateBrokerConfig", "Change a broker setting",
                        List.of(Targets.BROKER, Targets.CLUSTER, Option.required("k", "key", "key", "setting name"),
                                Option.required("v", "value", "value", "new value")),
                        ClusterCommands::updateBrokerConfig),
                new Command("wipeWritePerm", "Remove a broker's write permission in every name server given with -n",
                        List.of(Option.required("b", "brokerName", "name", "broker name")),
                        (args, admin, out) -> writePerm(args, admin, out, true)),
                new Command("addWritePerm", "Restore a broker's write permission in every name server given with -n",
                        List.of(Option.required("b", "brokerName", "name", "broker name")),
                        (args, admin, out) -> writePerm(args, admin, out, false)),
                new Command("cleanExpiredCQ", "Have brokers drop ConsumeQueue files that point only at deleted CommitLog",
                        List.of(Targets.BROKER, Targets.CLUSTER),
                        (args, admin, out) -> cleanUp(args, admin, out, admin::cleanExpiredConsumeQueue)),
                new Command("cleanUnusedTopic", "Have brokers drop the ConsumeQueues of topics they no longer have",
                        List.of(Targets.BROKER, Targets.CLUSTER),
                        (args, admin, out) -> cleanUp(args, admin, out, admin::cleanUnusedTopic)));
    }

    /** A clean-up request (an Admin method) at one broker. */
    private interface CleanUp {
        void at(String brokerAddr) throws ClientException;
    }

    /**
     * Sends the request to the -b broker, or every broker of the -c cluster (of every cluster without either), and
     * prints "success", or "false" when a broker refused or failed, as RocketMQ's tool does (no newline).
     */
    private static void cleanUp(ParsedArgs args, Admin admin, PrintStream out, CleanUp request) throws Exception {
        List<String> addrs = new ArrayList<>();
        if (args.has("brokerAddr")) {
            addrs.add(args.get("brokerAddr"));
        } else {
            ClusterInfo info = admin.clusterInfo();
            for (String cluster : args.has("clusterName") ? List.of(args.get("clusterName")) : info.clusters().keySet()) {
                for (BrokerData broker : Targets.cluster(info, cluster)) {
                    addrs.addAll(broker.addresses().values());
                }
            }
        }
        boolean all = !addrs.isEmpty();
        for (String addr : addrs) {
            try {
                request.at(addr);
            } catch (ClientException e) {
                all = false;
            }
        }
        out.print(all ? "success" : "false");
    }

    private static void clusterList(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        ClusterInfo info = admin.clusterInfo();
        String only = args.get("clusterName");
        if (only != null) {
            Targets.cluster(info, only);
        }
        boolean totals = args.has("moreStats");
        out.print(totals
                ? f(TOTALS_HEADER, "#Cluster Name", "#Broker Name", "#InTotalYest", "#OutTotalYest", "#InTotalToday", "#OutTotalToday")
                : f(CLUSTER_HEADER, "#Cluster Name", "#Broker Name", "#BID", "#Addr", "#Version", "#InTPS(LOAD)",
                        "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"));
        for (Map.Entry<String, List<String>> cluster : info.clusters().entrySet()) {
            if (only != null && !only.equals(cluster.getKey())) {
                continue;
            }
            for (BrokerData broker : Targets.cluster(info, cluster.getKey())) {
                for (Map.Entry<Long, String> addr : broker.addresses().entrySet()) {
                    Map<String, String> runtime = runtimeInfo(admin, addr.getValue());
                    out.print(totals ? totalsRow(cluster.getKey(), broker.brokerName(), runtime)
                            : loadRow(cluster.getKey(), broker.brokerName(), addr.getKey(), addr.getValue(), runtime));
                }
            }
        }
    }

    /** A broker that does not answer still gets its row (zeros), as RocketMQ's tool prints it. */
    private static Map<String, String> runtimeInfo(Admin admin, String addr) {
        try {
            return admin.brokerRuntimeInfo(addr);
        } catch (ClientException e) {
            return Map.of();
        }
    }

    private static String loadRow(String cluster, String brokerName, long id, String addr, Map<String, String> r) {
        double in = firstNumber(r.get("putTps"));
        double outTps = firstNumber(r.getOrDefault("getTransferedTps", r.get("getTransferredTps")));
        long earliest = number(r.get("earliestMessageTimeStamp"));
        double hours = (System.currentTimeMillis() - earliest) / 3600.0 / 1000;
        double space = firstNumber(r.get("commitLogDiskRatio"));
        return f(CLUSTER_HEADER, cluster, brokerName, id, addr, r.getOrDefault("brokerVersionDesc", ""),
                f("%9.2f(%s,%sms)", in, r.getOrDefault("sendThreadPoolQueueSize", "0"),
                        r.getOrDefault("sendThreadPoolQueueHeadWaitTimeMills", "0")),
                f("%9.2f(%s,%sms)", outTps, r.getOrDefault("pullThreadPoolQueueSize", "0"),
                        r.getOrDefault("pullThreadPoolQueueHeadWaitTimeMills", "0")),
                r.getOrDefault("pageCacheLockTimeMills", "0"), f("%2.2f", hours), f("%.4f", space));
    }

    private static String totalsRow(String cluster, String brokerName, Map<String, String> r) {
        long putYesterday = number(r.get("msgPutTotalYesterdayMorning"));
        long putMorning = number(r.get("msgPutTotalTodayMorning"));
        long putNow = number(r.get("msgPutTotalTodayNow"));
        long getYesterday = number(r.get("msgGetTotalYesterdayMorning"));
        long getMorning = number(r.get("msgGetTotalTodayMorning"));
        long getNow = number(r.get("msgGetTotalTodayNow"));
        return f(TOTALS_HEADER, cluster, brokerName, putMorning - putYesterday, getMorning - getYesterday,
                putNow - putMorning, getNow - getMorning);
    }

    /** The first of the space-separated numbers in a TPS value ("10s 1min 10min"), 0 if there is none. */
    private static double firstNumber(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Double.parseDouble(value.trim().split(" ")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** -b: that broker; -c: every broker (masters and slaves) of the cluster, with its address on each line. */
    private static void brokerStatus(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        Targets.requireOne(args);
        if (args.has("brokerAddr")) {
            for (Map.Entry<String, String> e : admin.brokerRuntimeInfo(args.get("brokerAddr")).entrySet()) {
                out.print(f("%-32s: %s%n", e.getKey(), e.getValue()));
            }
            return;
        }
        for (BrokerData broker : Targets.cluster(admin.clusterInfo(), args.get("clusterName"))) {
            for (String addr : broker.addresses().values()) {
                for (Map.Entry<String, String> e : admin.brokerRuntimeInfo(addr).entrySet()) {
                    out.print(f("%-24s %-32s: %s%n", addr, e.getKey(), e.getValue()));
                }
            }
        }
    }

    private static void getBrokerConfig(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        Targets.requireOne(args);
        if (args.has("brokerAddr")) {
            printConfig(out, f("============%s============%n", args.get("brokerAddr")), admin.brokerConfig(args.get("brokerAddr")));
            return;
        }
        for (BrokerData broker : Targets.cluster(admin.clusterInfo(), args.get("clusterName"))) {
            String master = broker.masterAddress();
            for (Map.Entry<Long, String> addr : broker.addresses().entrySet()) {
                String title = addr.getKey() == BrokerData.MASTER_ID
                        ? f("============Master: %s============%n", addr.getValue())
                        : f("============My Master: %s=====Slave: %s============%n", master, addr.getValue());
                printConfig(out, title, admin.brokerConfig(addr.getValue()));
            }
        }
    }

    private static void printConfig(PrintStream out, String title, SortedMap<String, String> config) {
        out.print(title);
        for (Map.Entry<String, String> e : config.entrySet()) {
            out.print(f("%-50s=  %s%n", e.getKey(), e.getValue()));
        }
        out.println();
    }

    private static void updateBrokerConfig(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        Targets.requireOne(args);
        Map<String, String> setting = new LinkedHashMap<>();
        setting.put(args.get("key"), args.get("value"));
        List<String> addresses = args.has("brokerAddr") ? List.of(args.get("brokerAddr"))
                : Targets.cluster(admin.clusterInfo(), args.get("clusterName")).stream()
                        .flatMap(b -> b.addresses().values().stream()).toList();
        for (String addr : addresses) {
            admin.updateBrokerConfig(addr, setting);
            out.print(f("update broker config success, %s%n", addr));
        }
    }

    /** Each name server in turn; a name server that fails is reported, the others are still changed. */
    private static void writePerm(ParsedArgs args, Admin admin, PrintStream out, boolean wipe) throws Exception {
        String brokerName = args.get("brokerName");
        if (admin.nameServerAddresses().isEmpty()) {
            throw new UsageException("give the name servers with -n (or NAMESRV_ADDR)");
        }
        String verb = wipe ? "wipe" : "add";
        ClientException failure = null;
        for (String namesrv : admin.nameServerAddresses()) {
            try {
                int count = wipe ? admin.wipeWritePerm(namesrv, brokerName) : admin.addWritePerm(namesrv, brokerName);
                out.print(f("%s write perm of broker[%s] in name server[%s] OK, %d%n", verb, brokerName, namesrv, count));
            } catch (ClientException e) {
                out.print(f("%s write perm of broker[%s] in name server[%s] Failed%n", verb, brokerName, namesrv));
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
