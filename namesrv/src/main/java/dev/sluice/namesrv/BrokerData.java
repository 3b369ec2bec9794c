package dev.sluice.namesrv;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The addresses of one brokerName: id 0 is the master, ids from 1 are slaves. Immutable snapshot. */
record BrokerData(String cluster, String brokerName, SortedMap<Long, String> brokerAddrs) {
    BrokerData {
        brokerAddrs = Collections.unmodifiableSortedMap(new TreeMap<>(brokerAddrs));
    }

    /** Keys in fastjson's alphabetical order; broker ids are Long map keys, which fastjson writes unquoted. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("brokerAddrs", brokerAddrs);
        json.put("brokerName", brokerName);
        json.put("cluster", cluster);
        return json;
    }
}
