package dev.sluice.broker.schedule;

import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.remoting.json.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How far each delay level's queue of {@code SCHEDULE_TOPIC_XXXX} has been delivered: level to the next queue offset,
 * kept in {@code config/delayOffset.json} as {@code {"offsetTable":{1:5,3:0}}} (level keys unquoted, as fastjson writes
 * them). Also the body of GET_ALL_DELAY_OFFSET: a slave serving that request, or applying a master's answer, uses
 * {@link #toJson()} / {@link #replaceWith(Map)}.
 */
public final class DelayOffsetTable {
    private final JsonFile file;
    private final ConcurrentMap<Integer, Long> offsets = new ConcurrentHashMap<>();

    public DelayOffsetTable(JsonFile file) {
        this.file = file;
    }

    /** Reads the file (or its backup); a missing file means every level starts at its queue's beginning. */
    public void load() throws IOException {
        file.load().ifPresent(this::replaceWith);
    }

    /** Replaces every offset with those of a {@code {"offsetTable":{..}}} document. */
    public void replaceWith(Map<String, Object> json) {
        Map<Integer, Long> parsed = fromJson(json);
        offsets.clear();
        offsets.putAll(parsed);
    }

    /** Parses {@code {"offsetTable":{"1":5,..}}}; level keys may be quoted or not (the parser accepts both). */
    public static Map<Integer, Long> fromJson(Map<String, Object> json) {
        Map<Integer, Long> parsed = new TreeMap<>();
        Object table = json.get("offsetTable");
        if (table != null) {
            Json.asObject(table, "offsetTable").forEach((level, offset) -> {
                try {
                    parsed.put(Integer.parseInt(level.trim()), Json.asLong(offset, "offset of delay level " + level));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("delay level '" + level + "' is not a number", e);
                }
            });
        }
        return parsed;
    }

    /** The next queue offset to deliver of a level, 0 if none was recorded. */
    public long get(int level) {
        return offsets.getOrDefault(level, 0L);
    }

    /** Every recorded level's next offset, by level. */
    public Map<Integer, Long> snapshot() {
        return new TreeMap<>(offsets);
    }

    public void set(int level, long nextOffset) {
        offsets.put(level, nextOffset);
    }

    /** Writes the file the crash-safe way of {@link JsonFile}. */
    public synchronized void persist() throws IOException {
        file.write(Json.write(toJson()));
    }

    /** {@code {"offsetTable":{1:5,3:0}}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("offsetTable", new TreeMap<>(offsets));
        return json;
    }
}
