package dev.sluice.broker.offset;

import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.remoting.json.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Committed consumer offsets per (topic, group, queue), kept as RocketMQ keeps them: {@code "topic@group"} to
 * {@code queueId -> offset}. Persisted to {@code config/consumerOffset.json} by {@link #persistIfChanged()}, which
 * the broker calls every {@code flushConsumerOffsetInterval} and at shutdown.
 */
public final class ConsumerOffsetTable {
    private static final String SEPARATOR = "@";

    private final JsonFile file;
    private final ConcurrentMap<String, ConcurrentMap<Integer, Long>> offsets = new ConcurrentHashMap<>();
    private final AtomicBoolean dirty = new AtomicBoolean();

    public ConsumerOffsetTable(JsonFile file) {
        this.file = file;
    }

    public void load() throws IOException {
        file.load().ifPresent(this::putAll);
    }

    /**
     * Slave: takes every offset the master has ({@link #toJson()} shape), as RocketMQ's slave does; offsets only this
     * slave knows (committed while the master was away) stay.
     */
    public void putAll(Map<String, Object> root) {
        Object table = root.get("offsetTable");
        if (table == null) {
            return;
        }
        Json.asObject(table, "offsetTable").forEach((key, queues) -> {
            ConcurrentMap<Integer, Long> perQueue = offsets.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
            Json.asObject(queues, "offsets of " + key).forEach((queueId, offset) ->
                    perQueue.put(Integer.parseInt(queueId), Json.asLong(offset, "offset of " + key)));
        });
        dirty.set(true);
    }

    public void commit(String group, String topic, int queueId, long offset) {
        offsets.computeIfAbsent(topic + SEPARATOR + group, k -> new ConcurrentHashMap<>()).put(queueId, offset);
        dirty.set(true);
    }

    /** Gives {@code dest} the offsets {@code src} has committed on the topic, replacing any it had there. */
    public void copy(String src, String dest, String topic) {
        Map<Integer, Long> from = offsets.get(topic + SEPARATOR + src);
        if (from != null) {
            offsets.put(topic + SEPARATOR + dest, new ConcurrentHashMap<>(from));
            dirty.set(true);
        }
    }

    /** The committed offset, or -1 when the group never committed one for the queue. */
    public long query(String group, String topic, int queueId) {
        Map<Integer, Long> perQueue = offsets.get(topic + SEPARATOR + group);
        if (perQueue == null) {
            return -1;
        }
        Long offset = perQueue.get(queueId);
        return offset == null ? -1 : offset;
    }

    /** Topics a group has committed offsets for. */
    public Set<String> topicsOf(String group) {
        Set<String> topics = new TreeSet<>();
        offsets.keySet().forEach(key -> {
            int at = key.lastIndexOf(SEPARATOR);
            if (key.substring(at + 1).equals(group)) {
                topics.add(key.substring(0, at));
            }
        });
        return topics;
    }

    /** Groups that have committed offsets for a topic. */
    public Set<String> groupsOf(String topic) {
        Set<String> groups = new TreeSet<>();
        offsets.keySet().forEach(key -> {
            int at = key.lastIndexOf(SEPARATOR);
            if (key.substring(0, at).equals(topic)) {
                groups.add(key.substring(at + 1));
            }
        });
        return groups;
    }

    public void removeTopic(String topic) {
        if (offsets.keySet().removeIf(key -> key.substring(0, key.lastIndexOf(SEPARATOR)).equals(topic))) {
            dirty.set(true);
        }
    }

    public void removeGroup(String group) {
        if (offsets.keySet().removeIf(key -> key.substring(key.lastIndexOf(SEPARATOR) + 1).equals(group))) {
            dirty.set(true);
        }
    }

    /** Writes the file if anything changed since the last write. */
    public synchronized void persistIfChanged() throws IOException {
        if (dirty.getAndSet(false)) {
            try {
                file.write(Json.write(toJson()));
            } catch (IOException e) {
                dirty.set(true);
                throw e;
            }
        }
    }

    /** {@code {"offsetTable":{"topic@group":{0:12,1:3}}}} with unquoted queue ids, as RocketMQ writes it. */
    public Map<String, Object> toJson() {
        Map<String, Object> table = new TreeMap<>();
        offsets.forEach((key, perQueue) -> table.put(key, new TreeMap<>(perQueue)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("offsetTable", table);
        return json;
    }
}
