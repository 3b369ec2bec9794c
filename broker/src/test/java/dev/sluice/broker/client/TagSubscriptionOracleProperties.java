package dev.sluice.broker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.rocketmq.common.filter.FilterAPI;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;

/**
 * A pull's TAG expression read as RocketMQ 4.9.7's FilterAPI reads it (the broker parses a pull's own subscription
 * with it): the same tags and codes, an error where it fails, and the same messages selected by tag code, checked on
 * expressions made of tags, blanks, separators and stars.
 */
class TagSubscriptionOracleProperties {
    private static final List<String> TAGGED = List.of("a", "b", "*", "a b", "");

    @Property(tries = 3000)
    void readAsFilterApiReadsIt(@ForAll("expressions") String expression) {
        SubscriptionData official;
        try {
            official = FilterAPI.buildSubscriptionData("T", expression);
        } catch (Exception e) {
            official = null;
        }
        Subscription sluice;
        try {
            sluice = Subscription.parse("T", expression, "TAG", 0);
        } catch (IllegalArgumentException e) {
            sluice = null;
        }
        if (official == null) {
            assertNull(sluice, "FilterAPI refuses \"" + expression + "\"");
            return;
        }
        assertEquals(official.getSubString(), sluice.subString(), expression);
        assertEquals(official.getTagsSet(), sluice.tagsSet(), expression);
        assertEquals(official.getCodeSet(), sluice.codeSet(), expression);
        for (String tag : TAGGED) {
            int code = tag.hashCode();
            boolean selected = SubscriptionData.SUB_ALL.equals(official.getSubString()) || official.getCodeSet().contains(code);
            assertEquals(selected, sluice.filter().accept(code), "\"" + expression + "\" and tag \"" + tag + "\"");
        }
    }

    @Provide
    Arbitrary<String> expressions() {
        Arbitrary<String> made = Arbitraries.of("a", "b", " ", "|", "||", "*").list().ofMaxSize(8)
                .map(parts -> String.join("", parts));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(20, made), net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
    }
}
