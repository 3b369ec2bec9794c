package dev.sluice.remoting;

import java.util.Locale;

/** How a frame's header is serialized: the value of byte 4 of every frame. */
public enum SerializeType {
    JSON(0),
    ROCKETMQ(1);

    private final int code;

    SerializeType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static SerializeType ofCode(int code) {
        for (SerializeType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown serialize type " + code);
    }

    /**
     * Same selection rule as RocketMQ processes: system property, then environment, else JSON. A value naming
     * neither type also means JSON, which every peer decodes, rather than failing every command created.
     */
    public static SerializeType processDefault() {
        String configured = System.getProperty("rocketmq.serialize.type", System.getenv("ROCKETMQ_SERIALIZE_TYPE"));
        return configured != null && configured.trim().toUpperCase(Locale.ROOT).equals(ROCKETMQ.name()) ? ROCKETMQ : JSON;
    }
}
