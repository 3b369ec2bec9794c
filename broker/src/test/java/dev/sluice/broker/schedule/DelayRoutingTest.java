package dev.sluice.broker.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.store.ConfigException;
import dev.sluice.store.DelayLevels;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.SysFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How sends are routed to the delay levels or the timer, and the files and settings behind them. */
class DelayRoutingTest {
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicBoolean timerEnabled = new AtomicBoolean(true);
    private final DelayRouter router = new DelayRouter(DelayLevels.parse("1s 5s 2m"), () -> 60, timerEnabled::get,
            () -> NOW);

    private static String props(String... nameValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], nameValues[i + 1]);
        }
        return MessageProperties.encode(map);
    }

    @Test
    void aDelayLevelGoesToItsScheduleQueueCappedAndWinsOverTimerProperties() {
        DelayRouter.Route route = router.route("T", 3, props("DELAY", "9", "TIMER_DELAY_SEC", "5", "KEYS", "k"), 0);
        assertEquals(DelayLevels.SCHEDULE_TOPIC, route.topic());
        assertEquals(2, route.queueId(), "level 9 is capped to the last, 3");
        Map<String, String> stored = MessageProperties.decode(route.properties());
        assertEquals("T", stored.get("REAL_TOPIC"));
        assertEquals("3", stored.get("REAL_QID"));
        assertEquals("3", stored.get("DELAY"));
        assertEquals("k", stored.get("KEYS"));
        assertFalse(stored.containsKey("TIMER_DELAY_SEC"), "RocketMQ 5 drops timer properties of a delay-level message");
    }

    @Test
    void timerPropertiesGoToTheWheelWithTheirDueTime() {
        DelayRouter.Route sec = router.route("T", 1, props("TIMER_DELAY_SEC", "30", "TIMER_DELAY_MS", "1"), 0);
        assertEquals("rmq_sys_wheel_timer", sec.topic());
        assertEquals(0, sec.queueId());
        assertEquals(String.valueOf(NOW + 30_000), MessageProperties.get(sec.properties(), "TIMER_OUT_MS"),
                "TIMER_DELAY_SEC takes precedence, as in RocketMQ 5");
        DelayRouter.Route at = router.route("T", 1, props("TIMER_DELIVER_MS", String.valueOf(NOW + 7)), 0);
        assertEquals(String.valueOf(NOW + 7), MessageProperties.get(at.properties(), "TIMER_OUT_MS"));
        assertEquals("T", MessageProperties.get(at.properties(), "REAL_TOPIC"));
    }

    @Test
    void nothingToDelayStaysWhereItWas() {
        assertNull(router.route("T", 0, props("KEYS", "k"), 0));
        assertNull(router.route("T", 0, props("DELAY", "0"), 0));
        assertNull(router.route("T", 0, props("TIMER_DELIVER_MS", String.valueOf(NOW)), 0), "a due time now is due");
        assertNull(router.route("T", 0, "", 0));
        assertNull(router.route("T", 0, props("DELAY", "2"), SysFlag.TRANSACTION_PREPARED_TYPE),
                "a half message is delayed when committed, not now");
    }

    @Test
    void badOrTooFarDelaysAreRefusedWithAReason() {
        DelayRouter.Route notANumber = router.route("T", 0, props("DELAY", "two"), 0);
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, notANumber.refusalCode());
        assertTrue(notANumber.refusal().contains("DELAY=two"), notANumber.refusal());
        DelayRouter.Route tooFar = router.route("T", 0, props("TIMER_DELAY_MS", "60001"), 0);
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, tooFar.refusalCode());
        assertTrue(tooFar.refusal().contains("60000ms"), tooFar.refusal());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL,
                router.route("T", 0, props("TIMER_DELAY_SEC", "99999999999999999"), 0).refusalCode());
        timerEnabled.set(false);
        DelayRouter.Route disabled = router.route("T", 0, props("TIMER_DELAY_MS", "5"), 0);
        assertEquals(ResponseCode.SYSTEM_ERROR, disabled.refusalCode());
        assertTrue(disabled.refusal().contains("timerWheelEnable"), disabled.refusal());
    }

    @Test
    void delayLevelsParseRocketMqsUnitsAndABadValueNamesTheKey() {
        DelayLevels levels = DelayLevels.parse(" 1s 5m 2h 1d ");
        assertEquals(4, levels.max());
        assertEquals(300_000, levels.millis(2));
        assertEquals(86_400_000, levels.millis(4));
        assertEquals(18, DelayLevels.parse(DelayLevels.DEFAULT).max());
        assertEquals(7_200_000, DelayLevels.parse(DelayLevels.DEFAULT).millis(18));
        Properties bad = new Properties();
        bad.setProperty("messageDelayLevel", "1s 5x");
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(bad, new ArrayList<>()));
        assertTrue(e.getMessage().contains("messageDelayLevel") && e.getMessage().contains("5x"), e.getMessage());
    }

    @Test
    void delayOffsetsAreWrittenAsFastjsonDoesAndReadBackFromTheBackup() throws Exception {
        Path file = dir.resolve("config/delayOffset.json");
        DelayOffsetTable table = new DelayOffsetTable(new JsonFile(file));
        table.set(1, 5);
        table.set(3, 0);
        table.persist();
        assertTrue(Files.readString(file).replaceAll("\\s", "").equals("{\"offsetTable\":{1:5,3:0}}"),
                Files.readString(file));
        table.set(1, 6);
        table.persist();
        Files.writeString(file, "{\"offsetTable\":{1:"); // torn main file: the backup has the previous content
        DelayOffsetTable reloaded = new DelayOffsetTable(new JsonFile(file));
        reloaded.load();
        assertEquals(5, reloaded.get(1));
        assertEquals(0, reloaded.get(2), "a level never recorded starts at 0");
        assertEquals(Map.of(1, 7L, 18, 2L),
                DelayOffsetTable.fromJson(Json.asObject(Json.parse("{\"offsetTable\":{\"1\":7,18:2}}"), "t")));
    }
}
