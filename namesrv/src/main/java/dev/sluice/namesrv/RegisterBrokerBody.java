package dev.sluice.namesrv;

import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.InflaterInputStream;

/**
 * Decodes the body of REGISTER_BROKER: the broker's topic configs and their data version, either as the
 * RegisterBrokerBody JSON or in the deflate-compressed form brokers send when {@code compressed=true}.
 */
final class RegisterBrokerBody {
    /** Bounds a hostile compressed body so it cannot make us allocate unbounded arrays. */
    private static final int MAX_COMPRESSED_ITEM = 4 * 1024 * 1024;
    /** More queues than a topic of any real broker has; RocketMQ itself sets no bound. */
    static final int MAX_QUEUES = 65_535;

    /** RocketMQ's four permission bits: priority, read, write, inherit. */
    static final int MAX_PERM = 15;

    /** @param skipped why each topic left out of the routes was (see {@link #problem}) */
    record Content(DataVersion dataVersion, List<TopicConfig> topicConfigs, List<String> skipped) {
    }

    static final Content EMPTY = new Content(new DataVersion(0, 0), List.of(), List.of());

    private RegisterBrokerBody() {
    }

    static Content parse(byte[] body, boolean compressed) {
        return compressed ? parseCompressed(body) : parseJson(body);
    }

    private static Content parseJson(byte[] body) {
        Map<String, Object> root = Json.parseObject(body);
        Object wrapper = root.get("topicConfigSerializeWrapper");
        if (wrapper == null) {
            return EMPTY;
        }
        Map<String, Object> wrapperJson = Json.asObject(wrapper, "topicConfigSerializeWrapper");
        DataVersion version = dataVersion(wrapperJson.get("dataVersion"));
        List<TopicConfig> configs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Object table = wrapperJson.get("topicConfigTable");
        if (table != null) {
            for (Map.Entry<String, Object> entry : Json.asObject(table, "topicConfigTable").entrySet()) {
                add(topicConfig(entry.getKey(), Json.asObject(entry.getValue(), "topic config " + entry.getKey())),
                        configs, skipped);
            }
        }
        return new Content(version, List.copyOf(configs), List.copyOf(skipped));
    }

    static DataVersion dataVersion(Object json) {
        if (json == null) {
            return new DataVersion(0, 0);
        }
        Map<String, Object> object = Json.asObject(json, "dataVersion");
        return new DataVersion(optionalLong(object, "timestamp", 0), optionalLong(object, "counter", 0));
    }

    private static TopicConfig topicConfig(String key, Map<String, Object> json) {
        Object name = json.get("topicName");
        String topicName = name == null ? key : Json.asString(name, "topicName");
        // Defaults are the ones a broker's TopicConfig starts with.
        return new TopicConfig(topicName,
                optionalInt(json, "readQueueNums", 16),
                optionalInt(json, "writeQueueNums", 16),
                optionalInt(json, "perm", 6),
                optionalInt(json, "topicSysFlag", 0));
    }

    private static void add(TopicConfig topic, List<TopicConfig> configs, List<String> skipped) {
        String problem = problem(topic);
        if (problem == null) {
            configs.add(topic);
        } else {
            skipped.add(problem);
        }
    }

    /**
     * A route is what clients build their queue lists from: a topic with a negative or huge queue count (a client
     * would make 2^31 queues) or a permission beyond RocketMQ's four bits is left out of the routes. The broker's
     * other topics are kept: refusing the whole registration took every topic of the broker out of the routes.
     */
    private static String problem(TopicConfig topic) {
        if (topic.readQueueNums() < 0 || topic.readQueueNums() > MAX_QUEUES || topic.writeQueueNums() < 0
                || topic.writeQueueNums() > MAX_QUEUES) {
            return "topic " + topic.topicName() + " has " + topic.readQueueNums() + " read and "
                    + topic.writeQueueNums() + " write queues (0 to " + MAX_QUEUES + ")";
        }
        if (topic.perm() < 0 || topic.perm() > MAX_PERM) {
            return "topic " + topic.topicName() + " has perm " + topic.perm() + " (0 to " + MAX_PERM + ")";
        }
        return null;
    }

    private static long optionalLong(Map<String, Object> json, String key, long defaultValue) {
        Object value = json.get(key);
        return value == null ? defaultValue : Json.asLong(value, key);
    }

    private static int optionalInt(Map<String, Object> json, String key, int defaultValue) {
        Object value = json.get(key);
        return value == null ? defaultValue : Json.asInt(value, key);
    }

    /** Layout: [len][DataVersion JSON] [count] {[len]["name read write perm filterType"]}* [len][filter servers JSON]. */
    private static Content parseCompressed(byte[] body) {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(body)))) {
            DataVersion version = dataVersion(Json.parse(readItem(in)));
            int count = in.readInt();
            if (count < 0) {
                throw new JsonException("negative topic count " + count);
            }
            List<TopicConfig> configs = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String[] fields = new String(readItem(in), StandardCharsets.UTF_8).split(" ");
                if (fields.length < 4) {
                    throw new JsonException("bad compressed topic config: " + String.join(" ", fields));
                }
                add(new TopicConfig(fields[0], Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                        Integer.parseInt(fields[3]), 0), configs, skipped);
            }
            return new Content(version, List.copyOf(configs), List.copyOf(skipped));
        } catch (IOException | NumberFormatException e) {
            throw new JsonException("bad compressed register body: " + e.getMessage());
        }
    }

    private static byte[] readItem(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_COMPRESSED_ITEM) {
            throw new IOException("item length " + length + " out of bounds");
        }
        byte[] item = new byte[length];
        in.readFully(item);
        return item;
    }
}
