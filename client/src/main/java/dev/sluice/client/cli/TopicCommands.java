package dev.sluice.client.cli;

import static dev.sluice.client.cli.Format.f;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.admin.BrokerStatsData;
import dev.sluice.client.admin.ClusterInfo;
import dev.sluice.client.admin.TopicOffset;
import dev.sluice.client.admin.TopicSettings;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.internal.TopicRoute;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Topic commands: list, route, status, create/update, delete. */
final class TopicCommands {
    private static final Option TOPIC = Option.required("t", "topic", "topic", "topic name");

    private TopicCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("topicList", "List every topic the name servers know",
                        List.of(Option.flag("c", "clusterModel", "also print each topic's cluster and consumer groups")),
                        TopicCommands::topicList),
                new Command("topicRoute", "Print a topic's route (JSON)", List.of(TOPIC),
                        (args, admin, out) -> out.println(Format.prettyJson(admin.topicRouteJson(args.get("topic"))))),
                new Command("topicStatus", "Print the offset range of each queue of a topic", List.of(TOPIC),
                        TopicCommands::topicStatus),
                new Command("topicClusterList", "Print the clusters a topic's brokers belong to", List.of(TOPIC),
                        TopicCommands::topicClusterList),
                new Command("updateTopic", "Create a topic or change its queues and permission",
                        List.of(Targets.BROKER, Targets.CLUSTER, TOPIC,
                                Option.optional("r", "readQueueNums", "n", "read queues (default 8)"),
                                Option.optional("w", "writeQueueNums", "n", "write queues (default 8)"),
                                Option.optional("p", "perm", "perm", "permission: 2 write, 4 read, 6 read/write (default 6)"),
                                Option.optional("o", "order", "true|false", "ordered topic (default false)"),
                                Option.optional("u", "unit", "true|false", "unit topic (default false)"),
                                Option.optional("s", "hasUnitSub", "true|false", "has unit subscriptions (default false)")),
                        TopicCommands::updateTopic),
                new Command("deleteTopic", "Delete a topic from a cluster's brokers and from the name servers",
                        List.of(TOPIC, Option.required("c", "clusterName", "cluster", "the cluster to delete it from")),
                        TopicCommands::deleteTopic),
                new Command("statsAll", "Print each topic's and consumer group's TPS, backlog and last-day counts",
                        List.of(Option.flag("a", "activeTopic", "only topics with traffic in the last day"),
                                Option.optional("t", "topic", "topic", "only this topic")),
                        TopicCommands::statsAll));
    }

    private static void topicList(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        TreeSet<String> topics = new TreeSet<>(admin.topics());
        if (!args.has("clusterModel")) {
            topics.forEach(out::println);
            return;
        }
        out.print(f("%-20s  %-48s  %-48s%n", "#Cluster Name", "#Topic", "#Consumer Group"));
        for (String topic : topics) {
            if (topic.startsWith(Admin.RETRY_PREFIX) || topic.startsWith(Admin.DLQ_PREFIX)) {
                continue;
            }
            TopicRoute route;
            try {
                route = admin.topicRoute(topic);
            } catch (ClientException e) {
                continue; // deleted between the list and the route look-up
            }
            String cluster = route.brokers().values().stream().map(BrokerData::cluster).findFirst().orElse("");
            TreeSet<String> groups = new TreeSet<>();
            for (BrokerData broker : route.brokers().values()) {
                String addr = broker.addressForRead(BrokerData.MASTER_ID);
                if (addr != null) {
                    groups.addAll(admin.consumerGroupsOf(addr, topic));
                }
            }
            if (groups.isEmpty()) {
                groups.add("");
            }
            for (String group : groups) {
                out.print(f("%-20s  %-64s  %-64s%n", cluster, topic, group));
            }
        }
    }

    /**
     * RocketMQ's statsAll: per topic, messages put per second (last minute) and in the last day on its masters; per
     * consumer group of the topic, its backlog and messages got. Like RocketMQ's, a topic it cannot read (deleted
     * meanwhile, no route) is left out, and a stat a broker has not counted reads as 0.
     */
    private static void statsAll(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        boolean activeOnly = args.has("activeTopic");
        String only = args.has("topic") ? args.get("topic") : null;
        out.print(f("%-32s  %-32s %12s %11s %11s %14s %14s%n", "#Topic", "#Consumer Group", "#Accumulation", "#InTPS",
                "#OutTPS", "#InMsg24Hour", "#OutMsg24Hour"));
        for (String topic : admin.topics()) {
            if (topic.startsWith(Admin.RETRY_PREFIX) || topic.startsWith(Admin.DLQ_PREFIX)
                    || only != null && !only.isEmpty() && !topic.equals(only)) {
                continue;
            }
            try {
                printTopicStats(admin, topic, activeOnly, out);
            } catch (ClientException e) {
                // as RocketMQ's statsAll: the next topic
            }
        }
    }

    private static void printTopicStats(Admin admin, String topic, boolean activeOnly, PrintStream out)
            throws ClientException {
        TopicRoute route = admin.topicRoute(topic);
        List<String> masters = route.brokers().values().stream().map(BrokerData::masterAddress)
                .filter(Objects::nonNull).toList();
        String anyBroker = route.brokers().values().stream().map(b -> b.addressForRead(BrokerData.MASTER_ID))
                .filter(Objects::nonNull).findFirst().orElse(null);
        List<String> groups = anyBroker == null ? List.of() : admin.consumerGroupsOf(anyBroker, topic);
        double inTps = 0;
        long inDay = 0;
        for (String master : masters) {
            Optional<BrokerStatsData> put = admin.brokerStats(master, "TOPIC_PUT_NUMS", topic);
            inTps += put.map(s -> s.minute().tps()).orElse(0.0);
            inDay += put.map(BrokerStatsData::last24HoursSum).orElse(0L);
        }
        if (groups.isEmpty()) {
            if (!activeOnly || inDay > 0) {
                out.print(f("%-64s  %-32s %12d %11.2f %11s %14d %14s%n", Format.cut(topic, 64), "", 0, inTps, "", inDay,
                        "NO_CONSUMER"));
            }
            return;
        }
        for (String group : groups) {
            double outTps = 0;
            long outDay = 0;
            for (String master : masters) {
                Optional<BrokerStatsData> got = admin.brokerStats(master, "GROUP_GET_NUMS", topic + "@" + group);
                outTps += got.map(s -> s.minute().tps()).orElse(0.0);
                outDay += got.map(BrokerStatsData::last24HoursSum).orElse(0L);
            }
            long backlog;
            try {
                backlog = Math.max(0, admin.consumeStats(group, topic).lagTotal());
            } catch (ClientException e) {
                backlog = 0; // as RocketMQ's: a group without a retry route (never online) has no stats to read
            }
            if (!activeOnly || inDay > 0 || outDay > 0) {
                out.print(f("%-64s  %-64s %12d %11.2f %11.2f %14d %14d%n", Format.cut(topic, 64), Format.cut(group, 64),
                        backlog, inTps, outTps, inDay, outDay));
            }
        }
    }

    private static void topicClusterList(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        Set<String> brokers = admin.topicRoute(args.get("topic")).brokers().keySet();
        SortedSet<String> clusters = new TreeSet<>();
        admin.clusterInfo().clusters().forEach((cluster, names) -> {
            if (names.stream().anyMatch(brokers::contains)) {
                clusters.add(cluster);
            }
        });
        clusters.forEach(cluster -> out.print(f("%s%n", cluster)));
    }

    private static void topicStatus(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        Map<MessageQueue, TopicOffset> stats = admin.topicStats(args.get("topic"));
        if (stats.isEmpty()) {
            throw new ClientException("no broker reported queues of topic " + args.get("topic"));
        }
        out.print(f("%-32s  %-4s  %-20s  %-20s    %s%n", "#Broker Name", "#QID", "#Min Offset", "#Max Offset", "#Last Updated"));
        for (Map.Entry<MessageQueue, TopicOffset> e : stats.entrySet()) {
            TopicOffset offset = e.getValue();
            String updated = offset.lastUpdateTimestamp() > 0 ? Format.date(offset.lastUpdateTimestamp(), Format.COMMA_MILLIS) : "";
            out.print(f("%-32s  %-4d  %-20d  %-20d    %s%n", Format.cut(e.getKey().brokerName(), 32), e.getKey().queueId(),
                    offset.minOffset(), offset.maxOffset(), updated));
        }
    }

    private static void updateTopic(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        Targets.requireOne(args);
        int perm = args.getInt("perm", 6);
        if (perm != 2 && perm != 4 && perm != 6) {
            throw new UsageException("--perm must be 2 (write), 4 (read) or 6 (read/write), not " + perm);
        }
        int read = args.getInt("readQueueNums", 8);
        int write = args.getInt("writeQueueNums", 8);
        if (read < 1 || write < 1) {
            throw new UsageException("queue numbers must be at least 1");
        }
        int sysFlag = (args.getBoolean("unit", false) ? 1 : 0) | (args.getBoolean("hasUnitSub", false) ? 2 : 0);
        boolean order = args.getBoolean("order", false);
        TopicSettings topic = new TopicSettings(args.get("topic"), read, write, perm, order, sysFlag);
        List<String> masters = Targets.masters(args, admin);
        List<String> orderConf = new ArrayList<>();
        ClusterInfo info = order ? admin.clusterInfo() : null;
        for (String addr : masters) {
            admin.createOrUpdateTopic(addr, topic);
            out.print(f("create topic to %s success.%n", addr));
            if (order) {
                orderConf.add(Targets.groupOf(info, addr).brokerName() + ":" + write);
            }
        }
        if (order) {
            String conf = String.join(";", orderConf);
            admin.putKvConfig(Admin.ORDER_TOPIC_NAMESPACE, topic.topic(), conf);
            out.print(f("set %s orderConf. isOrder=%s, orderConf=[%s]%n", args.has("brokerAddr") ? "broker" : "cluster",
                    order, conf));
        }
        out.print(f("%s%n", topic));
    }

    private static void deleteTopic(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String topic = args.get("topic");
        String cluster = args.get("clusterName");
        deleteFromCluster(admin, topic, cluster);
        out.print(f("delete topic [%s] from cluster [%s] success.%n", topic, cluster));
        out.print(f("delete topic [%s] from NameServer success.%n", topic));
    }

    /** DELETE_TOPIC_IN_BROKER on every master, then the name servers' routes and order configuration. */
    static void deleteFromCluster(Admin admin, String topic, String cluster) throws ClientException {
        for (BrokerData broker : Targets.cluster(admin.clusterInfo(), cluster)) {
            if (broker.masterAddress() != null) {
                admin.deleteTopicInBroker(broker.masterAddress(), topic);
            }
        }
        admin.deleteTopicInNameServers(topic, cluster);
        try {
            admin.deleteKvConfig(Admin.ORDER_TOPIC_NAMESPACE, topic);
        } catch (ClientException e) {
            // most topics have no order configuration: nothing to delete is not a failure
        }
    }
}
