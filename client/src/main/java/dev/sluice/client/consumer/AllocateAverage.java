package dev.sluice.client.consumer;

import dev.sluice.client.MessageQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * Divides a topic's queues among a group's members in contiguous blocks: every member gets n/m queues and the first
 * n mod m members one more (RocketMQ's "averagely" strategy). Queues and member ids are sorted first, so every
 * member computes the same division without talking to the others.
 */
public final class AllocateAverage {
    private AllocateAverage() {
    }

    /** The queues {@code member} owns; empty when it is not (yet) among {@code members}. */
    public static List<MessageQueue> allocate(String member, List<MessageQueue> queues, List<String> members) {
        List<MessageQueue> sortedQueues = new ArrayList<>(queues);
        sortedQueues.sort(null);
        List<String> sortedMembers = new ArrayList<>(members);
        sortedMembers.sort(null);
        int index = sortedMembers.indexOf(member);
        int n = sortedQueues.size();
        int m = sortedMembers.size();
        if (index < 0 || n == 0) {
            return List.of();
        }
        int base = n / m;
        int extra = n % m;
        int size = index < extra ? base + 1 : base;
        int start = index * base + Math.min(index, extra);
        return List.copyOf(sortedQueues.subList(start, start + size));
    }
}
