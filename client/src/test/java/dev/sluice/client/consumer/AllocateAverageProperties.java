package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.MessageQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;

/** Every member's share against the official 4.9.7 strategy, and the shares partition the queues evenly. */
class AllocateAverageProperties {
    @Property(tries = 300)
    void sharesMatchTheOfficialStrategyAndPartitionTheQueues(@ForAll @IntRange(min = 1, max = 3) int brokers,
            @ForAll @IntRange(min = 1, max = 9) int queuesPerBroker, @ForAll @IntRange(min = 1, max = 12) int memberCount,
            @ForAll long shuffleSeed) {
        List<MessageQueue> queues = new ArrayList<>();
        for (int b = 0; b < brokers; b++) {
            for (int q = 0; q < queuesPerBroker; q++) {
                queues.add(new MessageQueue("T", "broker-" + (char) ('a' + b), q));
            }
        }
        List<String> members = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            members.add("10.0.0." + i + "@" + (shuffleSeed + i));
        }
        Collections.shuffle(queues, new Random(shuffleSeed));
        Collections.shuffle(members, new Random(shuffleSeed + 1));

        List<org.apache.rocketmq.common.message.MessageQueue> official = new ArrayList<>();
        queues.stream().sorted().forEach(q -> official.add(
                new org.apache.rocketmq.common.message.MessageQueue(q.topic(), q.brokerName(), q.queueId())));
        List<String> sortedMembers = members.stream().sorted().toList();

        Set<MessageQueue> union = new HashSet<>();
        int total = 0;
        for (String member : members) {
            List<MessageQueue> mine = AllocateAverage.allocate(member, queues, members);
            List<MessageQueue> theirs = new AllocateMessageQueueAveragely()
                    .allocate("G", member, official, sortedMembers).stream()
                    .map(q -> new MessageQueue(q.getTopic(), q.getBrokerName(), q.getQueueId())).toList();
            assertEquals(theirs, mine, "share of " + member);
            int fair = queues.size() / members.size();
            assertTrue(mine.size() == fair || mine.size() == fair + 1, "uneven share " + mine.size());
            union.addAll(mine);
            total += mine.size();
        }
        assertEquals(queues.size(), total, "a queue owned twice");
        assertEquals(new HashSet<>(queues), union, "a queue owned by nobody");
        assertEquals(List.of(), AllocateAverage.allocate("not-a-member", queues, members));
        assertEquals(List.of(), AllocateAverage.allocate(members.get(0), List.of(), members));
    }
}
