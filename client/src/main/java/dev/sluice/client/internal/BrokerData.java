package dev.sluice.client.internal;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** One broker group: its name, cluster and addresses by broker id (0 = master, 1.. = slaves). */
public record BrokerData(String cluster, String brokerName, NavigableMap<Long, String> addresses) {
    public static final long MASTER_ID = 0;

    public BrokerData {
        addresses = Collections.unmodifiableNavigableMap(new TreeMap<>(addresses));
    }

    /** The master's address, or null when the group has no live master. */
    public String masterAddress() {
        return addresses.get(MASTER_ID);
    }

    /**
     * Where to read from when the broker suggested {@code brokerId}: that address, else the next slave, else any
     * address of the group (so reads continue from a slave while the master is away), else null.
     */
    public String addressForRead(long brokerId) {
        String address = addresses.get(brokerId);
        if (address == null && brokerId != MASTER_ID) {
            address = addresses.get(brokerId + 1);
        }
        if (address == null) {
            Map.Entry<Long, String> any = addresses.firstEntry();
            address = any == null ? null : any.getValue();
        }
        return address;
    }
}
