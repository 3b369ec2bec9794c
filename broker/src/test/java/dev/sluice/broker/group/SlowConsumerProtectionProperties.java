package dev.sluice.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Pulls, checks, switches and operators' re-enables in any order, against a model of RocketMQ's protectBroker: a
 * check disables a known group exactly when, with the switch on, the latest pull it recorded since the last check
 * on some queue was more than the threshold behind; pulls record only while diskFallRecorded is on; a disabled
 * group stays disabled until it is enabled again, and a group the table does not know is never created.
 */
class SlowConsumerProtectionProperties {
    private static final List<String> KNOWN = List.of("g0", "g1");
    private static final String UNKNOWN = "g2";

    interface Step {
    }

    record Pull(String group, String topic, int queueId, long behind) implements Step {
    }

    record Check() implements Step {
    }

    record Switch(boolean on) implements Step {
    }

    record Recorded(boolean on) implements Step {
    }

    record Threshold(long bytes) implements Step {
    }

    record Enable(String group) implements Step {
    }

    @Property(tries = 300)
    void aCheckDisablesExactlyTheGroupsTheModelSays(@ForAll("steps") @Size(max = 60) List<Step> steps) throws IOException {
        Path dir = Files.createTempDirectory("slow-consumers");
        try {
            BrokerConfig config = BrokerConfig.fromProperties(new java.util.Properties(), new ArrayList<>());
            config.set(BrokerConfig.CONSUMER_FALLBEHIND_THRESHOLD, "1000");
            SubscriptionGroupTable groups = new SubscriptionGroupTable(config, new JsonFile(dir.resolve("groups.json")));
            groups.load();
            KNOWN.forEach(g -> groups.put(SubscriptionGroupConfig.defaults(g)));
            SlowConsumerProtection protection = new SlowConsumerProtection(config, groups);

            boolean on = false;
            boolean recorded = true;
            long threshold = 1000;
            Map<String, Long> latest = new HashMap<>();
            Set<String> disabled = new HashSet<>();
            for (Step step : steps) {
                if (step instanceof Pull p) {
                    protection.pulled(p.group(), p.topic(), p.queueId(), p.behind());
                    if (recorded) {
                        latest.put(p.group() + "@" + p.topic() + "@" + p.queueId(), p.behind());
                    }
                } else if (step instanceof Check) {
                    protection.run();
                    for (Map.Entry<String, Long> e : latest.entrySet()) {
                        String group = e.getKey().substring(0, e.getKey().indexOf('@'));
                        if (on && e.getValue() > threshold && KNOWN.contains(group)) {
                            disabled.add(group);
                        }
                    }
                    latest.clear();
                } else if (step instanceof Switch s) {
                    on = s.on();
                    config.set(BrokerConfig.DISABLE_CONSUME_IF_CONSUMER_READ_SLOWLY, String.valueOf(on));
                } else if (step instanceof Recorded r) {
                    recorded = r.on();
                    config.set(BrokerConfig.DISK_FALL_RECORDED, String.valueOf(recorded));
                } else if (step instanceof Threshold t) {
                    threshold = t.bytes();
                    config.set(BrokerConfig.CONSUMER_FALLBEHIND_THRESHOLD, String.valueOf(threshold));
                } else if (step instanceof Enable e) {
                    groups.put(groups.get(e.group()).withConsumeEnable(true));
                    disabled.remove(e.group());
                }
                for (String g : KNOWN) {
                    assertEquals(!disabled.contains(g), groups.get(g).consumeEnable(), g + " after " + step);
                }
                assertNull(groups.get(UNKNOWN), "a check created a group");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> group = Arbitraries.of("g0", "g1", UNKNOWN);
        Arbitrary<Step> pull = Combinators.combine(group, Arbitraries.of("A", "B"), Arbitraries.integers().between(0, 2),
                Arbitraries.of(0L, 999L, 1000L, 1001L, 5000L)).as(Pull::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, pull),
                        net.jqwik.api.Tuple.of(3, Arbitraries.just(new Check())),
                        net.jqwik.api.Tuple.of(2, Arbitraries.of(true, false).map(Switch::new)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(Recorded::new)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(999L, 1000L, 1001L).map(Threshold::new)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(KNOWN).map(Enable::new)))
                .list();
    }
}
