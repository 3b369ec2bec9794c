package dev.sluice.client.admin;

import java.util.List;

/** Every group's progress on one broker (GET_BROKER_CONSUME_STATS), and the broker's total lag over them. */
public record BrokerConsumeStats(List<Group> groups, long totalDiff) {
    public BrokerConsumeStats {
        groups = List.copyOf(groups);
    }

    /** One group's progress on the broker's queues of one topic. */
    public record Group(String name, ConsumeStats stats) {
    }
}
