package dev.sluice.broker.metadata;

import dev.sluice.remoting.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** RocketMQ's DataVersion: a counter bumped on every change, and when it last changed. Name servers compare it. */
public final class DataVersion {
    private long counter;
    private long timestamp = System.currentTimeMillis();

    public synchronized void next() {
        counter++;
        timestamp = System.currentTimeMillis();
    }

    /** {@code {"counter":n,"timestamp":t}}, keys sorted as fastjson writes them. */
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("counter", counter);
        json.put("timestamp", timestamp);
        return json;
    }

    public synchronized void load(Object json) {
        if (json instanceof Map<?, ?> map) {
            Object c = map.get("counter");
            Object t = map.get("timestamp");
            counter = c == null ? 0 : Json.asLong(c, "dataVersion.counter");
            timestamp = t == null ? timestamp : Json.asLong(t, "dataVersion.timestamp");
        }
    }
}
