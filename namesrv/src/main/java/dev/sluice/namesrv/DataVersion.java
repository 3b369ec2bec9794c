package dev.sluice.namesrv;

import java.util.LinkedHashMap;
import java.util.Map;

/** A broker's topic-config version; a registration re-applies topics only when it differs from the last one. */
record DataVersion(long timestamp, long counter) {
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("counter", counter);
        json.put("timestamp", timestamp);
        return json;
    }
}
