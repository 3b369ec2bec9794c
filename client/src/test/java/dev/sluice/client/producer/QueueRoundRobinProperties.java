package dev.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.FaultAvoidance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Queue selection: even round-robin, avoided and just-failed groups skipped while another group can take it. */
class QueueRoundRobinProperties {
    private static List<MessageQueue> queues(int brokers, int perBroker) {
        List<MessageQueue> queues = new ArrayList<>();
        for (int b = 0; b < brokers; b++) {
            for (int q = 0; q < perBroker; q++) {
                queues.add(new MessageQueue("T", "broker-" + b, q));
            }
        }
        return queues;
    }

    @Property(tries = 100)
    void roundRobinIsEvenAndSkipsAvoidedGroups(@ForAll @IntRange(min = 2, max = 5) int brokers,
            @ForAll @IntRange(min = 1, max = 8) int perBroker, @ForAll @IntRange(min = 0, max = 4) int avoided) {
        AtomicLong clock = new AtomicLong(1_000_000);
        FaultAvoidance faults = new FaultAvoidance(clock::get);
        QueueRoundRobin selection = new QueueRoundRobin();
        List<MessageQueue> queues = queues(brokers, perBroker);

        Map<MessageQueue, Integer> counts = new HashMap<>();
        for (int i = 0; i < queues.size() * 3; i++) {
            counts.merge(selection.select(queues, null, faults), 1, Integer::sum);
        }
        assertEquals(queues.size(), counts.size());
        counts.values().forEach(n -> assertEquals(3, n));

        String bad = "broker-" + (avoided % brokers);
        faults.recordFailure(bad);
        for (int i = 0; i < 50; i++) {
            assertNotEquals(bad, selection.select(queues, null, faults).brokerName());
            String lastFailed = "broker-" + ((avoided + 1) % brokers);
            MessageQueue retry = selection.select(queues, lastFailed, faults);
            if (brokers > 2) {
                assertFalse(Set.of(bad, lastFailed).contains(retry.brokerName()), retry.toString());
            } else {
                assertNotEquals(lastFailed, retry.brokerName(), "with two groups the retry goes to the avoided one");
            }
        }
        clock.addAndGet(600_000);
        assertTrue(faults.isAvailable(bad), "avoidance ends");
    }

    @Test
    void everyGroupAvoidedStillSends() {
        FaultAvoidance faults = new FaultAvoidance(() -> 0);
        List<MessageQueue> queues = queues(2, 2);
        faults.recordFailure("broker-0");
        faults.recordFailure("broker-1");
        assertTrue(queues.contains(new QueueRoundRobin().select(queues, null, faults)));
    }

    @Test
    void slowAnswersAreAvoidedForLongerThanFastOnes() {
        AtomicLong clock = new AtomicLong();
        FaultAvoidance faults = new FaultAvoidance(clock::get);
        faults.recordSuccess("fast", 100);
        faults.recordSuccess("slow", 2500);
        assertTrue(faults.isAvailable("fast"));
        assertFalse(faults.isAvailable("slow"));
        clock.set(120_000);
        assertTrue(faults.isAvailable("slow"));
        faults.recordSuccess("slow", 10);
        assertTrue(faults.isAvailable("slow"), "a fast answer clears the avoidance");
    }
}
