package dev.sluice.broker.group;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.DataVersion;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.remoting.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Consumer group settings, persisted to {@code config/subscriptionGroup.json}; created on first use when allowed. */
public final class SubscriptionGroupTable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionGroupTable.class);
    private static final List<String> BUILT_IN = List.of("SELF_TEST_C_GROUP", "TOOLS_CONSUMER", "FILTERSRV_CONSUMER",
            "CID_ONS-HTTP-PROXY", "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER");

    private final BrokerConfig config;
    private final JsonFile file;
    private final Map<String, SubscriptionGroupConfig> groups = new ConcurrentHashMap<>();
    private final DataVersion dataVersion = new DataVersion();

    public SubscriptionGroupTable(BrokerConfig config, JsonFile file) {
        this.config = config;
        this.file = file;
    }

    public void load() throws IOException {
        file.load().ifPresent(root -> {
            dataVersion.load(root.get("dataVersion"));
            Object table = root.get("subscriptionGroupTable");
            if (table != null) {
                Json.asObject(table, "subscriptionGroupTable").forEach((name, value) ->
                        groups.put(name, SubscriptionGroupConfig.fromJson(Json.asObject(value, "group " + name))));
            }
        });
        BUILT_IN.forEach(g -> groups.putIfAbsent(g, SubscriptionGroupConfig.defaults(g)));
        try {
            persist();
        } catch (UncheckedIOException e) {
            // A full disk must not keep the broker from starting: the file on disk is whole (written atomically),
            // and the built-in groups added here are saved with the next change.
            LOG.warn("cannot save {} at start ({}); it is saved with the next change", file.path(),
                    e.getCause().toString());
        }
    }

    /** The group, created with defaults when {@code autoCreateSubscriptionGroup} allows; else null. */
    public SubscriptionGroupConfig findOrCreate(String group) {
        SubscriptionGroupConfig existing = groups.get(group);
        if (existing != null || !config.autoCreateSubscriptionGroup()) {
            return existing;
        }
        SubscriptionGroupConfig[] added = new SubscriptionGroupConfig[1];
        SubscriptionGroupConfig result = groups.computeIfAbsent(group, g -> added[0] = SubscriptionGroupConfig.defaults(g));
        if (added[0] != null) {
            try {
                changed();
            } catch (UncheckedIOException e) {
                // A consumer's pull or heartbeat creates its group: on a full disk it must still be served.
                LOG.warn("cannot save {} ({}); group {} is kept in memory and saved with the next change",
                        file.path(), e.getCause().toString(), group);
            }
        }
        return result;
    }

    public SubscriptionGroupConfig get(String group) {
        return groups.get(group);
    }

    public Collection<SubscriptionGroupConfig> all() {
        return groups.values();
    }

    public void put(SubscriptionGroupConfig group) {
        groups.put(group.groupName(), group);
        changed();
    }

    /** Turns the group's consumeEnable off; false when it is unknown or already off. */
    public boolean disableConsume(String group) {
        boolean[] disabled = new boolean[1];
        groups.computeIfPresent(group, (name, g) -> {
            disabled[0] = g.consumeEnable();
            return g.withConsumeEnable(false);
        });
        if (disabled[0]) {
            changed();
        }
        return disabled[0];
    }

    public boolean remove(String group) {
        boolean existed = groups.remove(group) != null;
        if (existed) {
            changed();
        }
        return existed;
    }

    /** Slave: takes the master's table ({@link #toJson()} shape) when its data version differs from ours. */
    public synchronized boolean replaceFrom(Map<String, Object> master) {
        DataVersion theirs = new DataVersion();
        theirs.load(master.get("dataVersion"));
        if (theirs.toJson().equals(dataVersion.toJson())) {
            return false;
        }
        Map<String, SubscriptionGroupConfig> table = new java.util.HashMap<>();
        Json.asObject(master.getOrDefault("subscriptionGroupTable", Map.of()), "subscriptionGroupTable").forEach(
                (name, value) -> table.put(name, SubscriptionGroupConfig.fromJson(Json.asObject(value, "group " + name))));
        groups.keySet().retainAll(table.keySet());
        groups.putAll(table);
        dataVersion.load(master.get("dataVersion"));
        persist();
        return true;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> table = new TreeMap<>();
        groups.forEach((name, g) -> table.put(name, g.toJson()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataVersion", dataVersion.toJson());
        json.put("subscriptionGroupTable", table);
        return json;
    }

    private synchronized void changed() {
        dataVersion.next();
        persist();
    }

    private synchronized void persist() {
        try {
            file.write(Json.write(toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.path(), e);
        }
    }
}
