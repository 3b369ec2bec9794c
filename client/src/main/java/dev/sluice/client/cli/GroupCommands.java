package dev.sluice.client.cli;

import static dev.sluice.client.cli.Format.f;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.admin.BrokerConsumeStats;
import dev.sluice.client.admin.ConsumeStats;
import dev.sluice.client.admin.ConsumerConnection;
import dev.sluice.client.admin.QueueProgress;
import dev.sluice.client.admin.SubscriptionGroupSettings;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/** Consumer-group commands: configuration, progress (lag), connections, offset reset. */
final class GroupCommands {
    private static final Option GROUP = Option.required("g", "groupName", "group", "consumer group name");

    private GroupCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("updateSubGroup", "Create a consumer group or change its settings",
                        List.of(Targets.BROKER, Targets.CLUSTER, GROUP,
                                Option.optional("s", "consumeEnable", "true|false", "may consume (default true)"),
                                Option.optional("m", "consumeFromMinEnable", "true|false", "new group starts at the queue start (default false)"),
                                Option.optional("d", "consumeBroadcastEnable", "true|false", "broadcasting allowed (default false)"),
                                Option.optional("q", "retryQueueNums", "n", "retry queues (default 1)"),
                                Option.optional("r", "retryMaxTimes", "n", "redeliveries before the DLQ (default 16)"),
                                Option.optional("i", "brokerId", "id", "broker id to consume from (default 0)"),
                                Option.optional("w", "whichBrokerWhenConsumeSlowly", "id", "broker id when consuming slowly (default 1)"),
                                Option.optional("a", "notifyConsumerIdsChanged", "true|false", "tell members when membership changes (default true)")),
                        GroupCommands::updateSubGroup),
                new Command("deleteSubGroup", "Delete a consumer group (with -c also its retry and dead-letter topics)",
                        List.of(Targets.BROKER, Targets.CLUSTER, GROUP,
                                Option.optional("r", "removeOffset", "true|false", "also drop its committed offsets (default false)")),
                        GroupCommands::deleteSubGroup),
                new Command("consumerProgress", "Print a group's offsets and lag per queue (all groups without -g)",
                        List.of(Option.optional("g", "groupName", "group", "consumer group name")),
                        GroupCommands::consumerProgress),
                new Command("brokerConsumeStats", "Print every group's progress on one broker's queues",
                        List.of(Option.required("b", "brokerAddr", "addr", "the broker (ip:port)"),
                                Option.optional("t", "timeoutMillis", "ms", "how long to wait for the answer (default 50000)"),
                                Option.optional("l", "level", "n", "print only queues at least this far behind (default 0)"),
                                Option.optional("o", "order", "true|false", "only ordered topics (default false)")),
                        GroupCommands::brokerConsumeStats),
                new Command("consumerConnection", "Print a group's connected clients and subscriptions",
                        List.of(Option.required("g", "consumerGroup", "group", "consumer group name"),
                                Option.optional("b", "brokerAddr", "addr", "ask this broker")),
                        GroupCommands::consumerConnection),
                new Command("resetOffsetByTime", "Move a group's offsets on a topic to a point in time",
                        List.of(Option.required("g", "group", "group", "consumer group"),
                                Option.required("t", "topic", "topic", "topic"),
                                Option.required("s", "timestamp", "when", "now, milliseconds since the epoch, or yyyy-MM-dd#HH:mm:ss:SSS"),
                                Option.optional("f", "force", "true|false", "also move forwards (default true)")),
                        GroupCommands::resetOffsetByTime));
    }

    /**
     * Without -m and -d, a group is written with consumeFromMinEnable and consumeBroadcastEnable false, as RocketMQ
     * 4.9.7's updateSubGroup writes it (not the true of a group the broker creates for a new consumer).
     */
    private static void updateSubGroup(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        SubscriptionGroupSettings d = SubscriptionGroupSettings.defaults(args.get("groupName"));
        SubscriptionGroupSettings group = new SubscriptionGroupSettings(d.groupName(),
                args.getBoolean("consumeEnable", d.consumeEnable()),
                args.getBoolean("consumeFromMinEnable", false),
                args.getBoolean("consumeBroadcastEnable", false),
                args.getInt("retryQueueNums", d.retryQueueNums()),
                args.getInt("retryMaxTimes", d.retryMaxTimes()),
                args.getLong("brokerId", d.brokerId()),
                args.getLong("whichBrokerWhenConsumeSlowly", d.whichBrokerWhenConsumeSlowly()),
                args.getBoolean("notifyConsumerIdsChanged", d.notifyConsumerIdsChangedEnable()));
        for (String addr : Targets.masters(args, admin)) {
            admin.createOrUpdateSubscriptionGroup(addr, group);
            out.print(f("create subscription group to %s success.%n", addr));
        }
        out.print(f("%s%n", group));
    }

    private static void deleteSubGroup(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String group = args.get("groupName");
        boolean removeOffset = args.getBoolean("removeOffset", false);
        if (args.has("brokerAddr")) {
            Targets.requireOne(args);
            admin.deleteSubscriptionGroup(args.get("brokerAddr"), group, removeOffset);
            out.print(f("delete subscription group [%s] from broker [%s] success.%n", group, args.get("brokerAddr")));
            return;
        }
        String cluster = args.get("clusterName");
        for (String addr : Targets.masters(args, admin)) {
            admin.deleteSubscriptionGroup(addr, group, removeOffset);
            out.print(f("delete subscription group [%s] from broker [%s] in cluster [%s] success.%n", group, addr, cluster));
        }
        for (String topic : List.of(Admin.RETRY_PREFIX + group, Admin.DLQ_PREFIX + group)) {
            try {
                TopicCommands.deleteFromCluster(admin, topic, cluster);
                out.print(f("delete topic [%s] from cluster [%s] success.%n", topic, cluster));
            } catch (ClientException e) {
                out.print(f("delete topic [%s] from cluster [%s] failed: %s%n", topic, cluster, e.getMessage()));
            }
        }
    }

    private static void consumerProgress(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        if (!args.has("groupName")) {
            allGroups(admin, out);
            return;
        }
        ConsumeStats stats = admin.consumeStats(args.get("groupName"), null);
        if (stats.queues().isEmpty()) {
            throw new ClientException("consumer group " + args.get("groupName") + " has no committed offsets on any broker");
        }
        out.print(f("%-64s  %-32s  %-4s  %-20s  %-20s  %-20s  %s%n", "#Topic", "#Broker Name", "#QID", "#Broker Offset",
                "#Consumer Offset", "#Diff", "#LastTime"));
        for (Map.Entry<MessageQueue, QueueProgress> e : stats.queues().entrySet()) {
            MessageQueue queue = e.getKey();
            QueueProgress progress = e.getValue();
            String last = progress.lastTimestamp() == 0 ? "N/A" : Format.date(progress.lastTimestamp(), Format.SECONDS);
            out.print(f("%-64s  %-32s  %-4d  %-20d  %-20d  %-20d  %s%n", Format.cut(queue.topic(), 64),
                    Format.cut(queue.brokerName(), 32), queue.queueId(), progress.brokerOffset(),
                    progress.consumerOffset(), progress.lag(), last));
        }
        out.println();
        out.print(f("Consume TPS: %.2f%n", stats.consumeTps()));
        out.print(f("Diff Total: %d%n", stats.lagTotal()));
    }

    /** As RocketMQ's tool prints it: only queues a group has consumed from (a last time), at least -l behind. */
    private static void brokerConsumeStats(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        BrokerConsumeStats stats = admin.brokerConsumeStats(args.get("brokerAddr"), args.getBoolean("order", false),
                args.getLong("timeoutMillis", 50_000));
        long level = args.getLong("level", 0);
        out.print(f("%-64s  %-64s  %-32s  %-4s  %-20s  %-20s  %-20s  %s%n", "#Topic", "#Group", "#Broker Name", "#QID",
                "#Broker Offset", "#Consumer Offset", "#Diff", "#LastTime"));
        for (BrokerConsumeStats.Group group : stats.groups()) {
            for (Map.Entry<MessageQueue, QueueProgress> e : group.stats().queues().entrySet()) {
                MessageQueue queue = e.getKey();
                QueueProgress progress = e.getValue();
                if (progress.lag() < level || progress.lastTimestamp() <= 0) {
                    continue;
                }
                out.print(f("%-64s  %-64s  %-32s  %-4d  %-20d  %-20d  %-20d  %s%n", Format.cut(queue.topic(), 64),
                        group.name(), Format.cut(queue.brokerName(), 32), queue.queueId(), progress.brokerOffset(),
                        progress.consumerOffset(), progress.lag(), Format.date(progress.lastTimestamp(), Format.SECONDS)));
            }
        }
        out.print(f("%nDiff Total: %d%n", stats.totalDiff()));
    }

    /** One line per group that has a retry topic: members, version, type, model, TPS and total lag. */
    private static void allGroups(Admin admin, PrintStream out) throws ClientException {
        out.print(f("%-64s  %-6s  %-24s %-5s  %-14s  %-7s  %s%n", "#Group", "#Count", "#Version", "#Type", "#Model",
                "#TPS", "#Diff Total"));
        TreeSet<String> groups = new TreeSet<>();
        for (String topic : admin.topics()) {
            if (topic.startsWith(Admin.RETRY_PREFIX)) {
                groups.add(topic.substring(Admin.RETRY_PREFIX.length()));
            }
        }
        for (String group : groups) {
            ConsumeStats stats;
            try {
                stats = admin.consumeStats(group, null);
            } catch (ClientException e) {
                continue; // the retry topic is gone or its broker is down: nothing to report for this group
            }
            ConsumerConnection connection = null;
            try {
                connection = admin.consumerConnection(group);
            } catch (ClientException e) {
                // no member online
            }
            int count = connection == null ? 0 : connection.connections().size();
            String version = count == 0 ? "OFFLINE" : Format.version(connection.connections().stream()
                    .mapToInt(ConsumerConnection.Connection::version).min().orElse(0));
            String type = connection == null ? "" : "CONSUME_ACTIVELY".equals(connection.consumeType()) ? "PULL" : "PUSH";
            String model = connection == null ? "" : connection.messageModel();
            out.print(f("%-64s  %-6d  %-24s %-5s  %-14s  %-7d  %d%n", group, count, version, type, model,
                    Math.round(stats.consumeTps()), stats.lagTotal()));
        }
    }

    private static void consumerConnection(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String group = args.get("consumerGroup");
        ConsumerConnection connection = args.has("brokerAddr")
                ? admin.consumerConnection(args.get("brokerAddr"), group) : admin.consumerConnection(group);
        out.print(f("%-36s %-22s %-10s %s%n", "#ClientId", "#ClientAddr", "#Language", "#Version"));
        for (ConsumerConnection.Connection c : connection.connections()) {
            out.print(f("%-36s %-22s %-10s %s%n", c.clientId(), c.clientAddr(), c.language(), Format.version(c.version())));
        }
        out.print(f("%nBelow is subscription:%n"));
        out.print(f("%-20s %s%n", "#Topic", "#SubExpression"));
        for (Map.Entry<String, String> e : connection.subscriptions().entrySet()) {
            out.print(f("%-20s %s%n", e.getKey(), e.getValue()));
        }
        out.println();
        out.print(f("ConsumeType: %s%n", connection.consumeType()));
        out.print(f("MessageModel: %s%n", connection.messageModel()));
        out.print(f("ConsumeFromWhere: %s%n", connection.consumeFromWhere()));
    }

    private static void resetOffsetByTime(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String when = args.get("timestamp");
        long timestamp = parseTimestamp(when);
        boolean force = args.getBoolean("force", true);
        String group = args.get("group");
        String topic = args.get("topic");
        SortedMap<MessageQueue, Long> offsets = admin.resetOffsetByTime(group, topic, timestamp, force);
        out.print(f("rollback consumer offset by specified group[%s], topic[%s], force[%s], timestamp(string)[%s], "
                + "timestamp(long)[%s]%n", group, topic, force, when, timestamp));
        out.print(f("%-40s  %-40s  %-40s%n", "#brokerName", "#queueId", "#offset"));
        for (Map.Entry<MessageQueue, Long> e : offsets.entrySet()) {
            out.print(f("%-40s  %-40d  %-40d%n", e.getKey().brokerName(), e.getKey().queueId(), e.getValue()));
        }
    }

    static long parseTimestamp(String when) throws UsageException {
        if (when.equals("now")) {
            return System.currentTimeMillis();
        }
        if (when.chars().allMatch(Character::isDigit) && !when.isEmpty()) {
            try {
                return Long.parseLong(when);
            } catch (NumberFormatException e) {
                throw new UsageException("timestamp out of range: " + when);
            }
        }
        try {
            return LocalDateTime.parse(when, Format.HASH_MILLIS).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new UsageException("--timestamp must be now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS, not '" + when + "'");
        }
    }
}
