package dev.sluice.broker.schedule;

import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.DelayLevels;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.SysFlag;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Decides where a message that asks to be delivered later is stored. A delay level (the {@code DELAY} property, set by
 * {@code Message.setDelayTimeLevel}) sends it to {@code SCHEDULE_TOPIC_XXXX} queue level-1; RocketMQ 5's timer
 * properties ({@code TIMER_DELAY_SEC}, {@code TIMER_DELAY_MS}, {@code TIMER_DELIVER_MS}, in that order of precedence)
 * send it to the timing wheel's topic with its due time in {@code TIMER_OUT_MS}. Either way the real destination is
 * kept in {@code REAL_TOPIC} / {@code REAL_QID}. A delay level wins over timer properties, which are then dropped, as
 * RocketMQ 5 does.
 */
public final class DelayRouter {
    public static final String REAL_TOPIC = "REAL_TOPIC";
    public static final String REAL_QID = "REAL_QID";
    public static final String TIMER_DELIVER_MS = "TIMER_DELIVER_MS";
    public static final String TIMER_DELAY_SEC = "TIMER_DELAY_SEC";
    public static final String TIMER_DELAY_MS = "TIMER_DELAY_MS";
    public static final String TIMER_OUT_MS = "TIMER_OUT_MS";

    /** Where a delayed message goes instead of its topic; or why it is refused ({@code refusal} non-null). */
    public record Route(String topic, int queueId, String properties, int refusalCode, String refusal) {
        static Route to(String topic, int queueId, Map<String, String> properties) {
            return new Route(topic, queueId, MessageProperties.encode(properties), 0, null);
        }

        static Route refused(int code, String why) {
            return new Route(null, -1, null, code, why);
        }
    }

    private final DelayLevels levels;
    private final LongSupplier maxTimerDelaySeconds;
    private final BooleanSupplier timerEnabled;
    private final LongSupplier clock;

    public DelayRouter(DelayLevels levels, LongSupplier maxTimerDelaySeconds, BooleanSupplier timerEnabled,
                       LongSupplier clock) {
        this.levels = levels;
        this.maxTimerDelaySeconds = maxTimerDelaySeconds;
        this.timerEnabled = timerEnabled;
        this.clock = clock;
    }

    /**
     * The route of a message bound for {@code topic}/{@code queueId}, or null when it is to be stored there now (no
     * delay asked, a due time already past, or a transaction's half message, which is delayed when committed: see
     * {@link #routeCommitted}). A half message whose delay would be refused is refused already when it is sent.
     */
    public Route route(String topic, int queueId, String properties, int sysFlag) {
        if (properties == null || properties.isEmpty()
                || SysFlag.transactionType(sysFlag) == SysFlag.TRANSACTION_ROLLBACK_TYPE) {
            return null;
        }
        if (SysFlag.transactionType(sysFlag) == SysFlag.TRANSACTION_PREPARED_TYPE) {
            Route atCommit = routeOf(topic, queueId, properties);
            return atCommit != null && atCommit.refusal() != null ? atCommit : null;
        }
        return routeOf(topic, queueId, properties);
    }

    /**
     * A committed transactional message, delayed (as RocketMQ 5 does) when it carries a delay: the delay counts from
     * the commit. A delay refused now (the configuration changed since the half message was accepted) is not
     * honoured: the message is delivered at once rather than lost.
     */
    public AppendRequest routeCommitted(AppendRequest committed) {
        Route route = routeOf(committed.topic(), committed.queueId(),
                new String(committed.properties(), StandardCharsets.UTF_8));
        if (route == null || route.refusal() != null) {
            return committed;
        }
        return new AppendRequest(route.topic(), route.queueId(), committed.flag(), committed.body(),
                route.properties().getBytes(StandardCharsets.UTF_8), committed.sysFlag(), committed.bornTimestamp(),
                committed.bornHost(), committed.bornPort(), committed.reconsumeTimes(), committed.preparedTransactionOffset());
    }

    private Route routeOf(String topic, int queueId, String properties) {
        boolean mayHaveDelay = properties.contains(MessageProperties.DELAY);
        boolean mayHaveTimer = properties.contains("TIMER_");
        if (!mayHaveDelay && !mayHaveTimer) {
            return null;
        }
        Map<String, String> map = MessageProperties.decode(properties);
        String delay = map.get(MessageProperties.DELAY);
        if (delay != null) {
            int level;
            try {
                level = Integer.parseInt(delay.trim());
            } catch (NumberFormatException e) {
                return Route.refused(ResponseCode.MESSAGE_ILLEGAL, "the delay level DELAY=" + delay + " is not a number");
            }
            if (level > 0) {
                map.remove(TIMER_DELIVER_MS);
                map.remove(TIMER_DELAY_SEC);
                map.remove(TIMER_DELAY_MS);
                int capped = levels.cap(level);
                map.put(MessageProperties.DELAY, String.valueOf(capped));
                map.put(REAL_TOPIC, topic);
                map.put(REAL_QID, String.valueOf(queueId));
                return Route.to(SystemTopics.SCHEDULE, capped - 1, map);
            }
        }
        return timerRoute(topic, queueId, map);
    }

    private Route timerRoute(String topic, int queueId, Map<String, String> map) {
        String delaySec = map.get(TIMER_DELAY_SEC);
        String delayMs = map.get(TIMER_DELAY_MS);
        String deliverMs = map.get(TIMER_DELIVER_MS);
        if (delaySec == null && delayMs == null && deliverMs == null) {
            return null;
        }
        if (!timerEnabled.getAsBoolean()) {
            return Route.refused(ResponseCode.SYSTEM_ERROR, "accurate timer message is not enabled, timerWheelEnable is false");
        }
        long now = clock.getAsLong();
        long due;
        try {
            if (delaySec != null) {
                due = Math.addExact(now, Math.multiplyExact(Long.parseLong(delaySec.trim()), 1000L));
            } else if (delayMs != null) {
                due = Math.addExact(now, Long.parseLong(delayMs.trim()));
            } else {
                due = Long.parseLong(deliverMs.trim());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return Route.refused(ResponseCode.MESSAGE_ILLEGAL, "timer message illegal: " + (delaySec != null ? TIMER_DELAY_SEC
                    : delayMs != null ? TIMER_DELAY_MS : TIMER_DELIVER_MS) + " is not a number of the right range");
        }
        if (due <= now) {
            return null;
        }
        long maxMillis = maxTimerDelaySeconds.getAsLong() * 1000L;
        if (due - now > maxMillis) {
            return Route.refused(ResponseCode.MESSAGE_ILLEGAL, "timer message illegal, the delay time should not be bigger than the"
                    + " max delay " + maxMillis + "ms (timerMaxDelaySec); asked for " + (due - now) + "ms");
        }
        map.put(TIMER_OUT_MS, String.valueOf(due));
        map.put(REAL_TOPIC, topic);
        map.put(REAL_QID, String.valueOf(queueId));
        return Route.to(SystemTopics.TIMER, 0, map);
    }
}
