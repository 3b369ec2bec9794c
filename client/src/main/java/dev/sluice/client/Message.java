package dev.sluice.client;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A message to send: topic, body and optional tag, keys, delay level and user properties. */
public final class Message {
    private final String topic;
    private final byte[] body;
    private int flag;
    private final Map<String, String> properties = new LinkedHashMap<>();

    public Message(String topic, byte[] body) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.body = Objects.requireNonNull(body, "body");
    }

    public Message(String topic, String tags, byte[] body) {
        this(topic, body);
        setTags(tags);
    }

    /**
     * The reply to a request message (one sent with {@code Producer.request}): it goes to the request's cluster's
     * reply topic, and the broker pushes it to the waiting producer. Send it with any producer.
     *
     * @throws IllegalArgumentException when {@code request} is not a request message as a broker stored it
     */
    public static Message replyTo(ReceivedMessage request, byte[] body) {
        String cluster = request.property(MessageProperty.CLUSTER);
        String requester = request.property(MessageProperty.REPLY_TO_CLIENT);
        String correlationId = request.property(MessageProperty.CORRELATION_ID);
        if (cluster == null || requester == null || correlationId == null) {
            throw new IllegalArgumentException("message " + request.msgId() + " is not a request: it lacks "
                    + MessageProperty.CLUSTER + ", " + MessageProperty.REPLY_TO_CLIENT + " or "
                    + MessageProperty.CORRELATION_ID);
        }
        Message reply = new Message(cluster + "_REPLY_TOPIC", body);
        reply.putSystemProperty(MessageProperty.CORRELATION_ID, correlationId);
        reply.putSystemProperty(MessageProperty.REPLY_TO_CLIENT, requester);
        reply.putSystemProperty(MessageProperty.TTL, request.property(MessageProperty.TTL));
        reply.putSystemProperty(MessageProperty.MSG_TYPE, "reply");
        return reply;
    }

    public String topic() {
        return topic;
    }

    public byte[] body() {
        return body;
    }

    public int flag() {
        return flag;
    }

    public Message setFlag(int flag) {
        this.flag = flag;
        return this;
    }

    public String tags() {
        return properties.get(MessageProperty.TAGS);
    }

    public Message setTags(String tags) {
        return putSystemProperty(MessageProperty.TAGS, tags);
    }

    public String keys() {
        return properties.get(MessageProperty.KEYS);
    }

    /** Business keys, indexed by the broker for look-ups; several are joined by spaces. */
    public Message setKeys(Collection<String> keys) {
        return putSystemProperty(MessageProperty.KEYS, String.join(" ", keys));
    }

    public Message setKeys(String key) {
        return putSystemProperty(MessageProperty.KEYS, key);
    }

    /** Delay level 1..18 of the broker's {@code messageDelayLevel}; 0 sends at once. */
    public Message setDelayLevel(int level) {
        if (level < 0) {
            throw new IllegalArgumentException("delay level must be >= 0: " + level);
        }
        return putSystemProperty(MessageProperty.DELAY, level == 0 ? null : String.valueOf(level));
    }

    public int delayLevel() {
        String value = properties.get(MessageProperty.DELAY);
        return value == null ? 0 : Integer.parseInt(value);
    }

    /** A user property; names the broker and client reserve are refused. */
    public Message putUserProperty(String name, String value) {
        if (MessageProperty.isReserved(name)) {
            throw new IllegalArgumentException("property name " + name + " is reserved by the system");
        }
        if (name.isEmpty() || value == null || value.isEmpty()) {
            throw new IllegalArgumentException("user property name and value must not be empty");
        }
        properties.put(name, value);
        return this;
    }

    public String property(String name) {
        return properties.get(name);
    }

    public Map<String, String> properties() {
        return Collections.unmodifiableMap(properties);
    }

    /** For the client itself (ids, retry bookkeeping); null removes the property. */
    public Message putSystemProperty(String name, String value) {
        if (value == null) {
            properties.remove(name);
        } else {
            properties.put(name, value);
        }
        return this;
    }
}
