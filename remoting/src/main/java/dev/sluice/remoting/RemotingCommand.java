package dev.sluice.remoting;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request or response of the RocketMQ remoting protocol: the header fields plus an opaque body.
 * Custom-header fields travel as {@code extFields}, whose values are always strings on the wire.
 * Not thread-safe: a command is built by one thread and then handed to the network.
 */
public final class RemotingCommand {
    /** Ordinal of RocketMQ V4_9_7, the version Sluice speaks and puts in what it sends. */
    public static final int CURRENT_VERSION = 407;

    private static final int RESPONSE_FLAG = 1;
    private static final int ONEWAY_FLAG = 1 << 1;
    private static final AtomicInteger NEXT_OPAQUE = new AtomicInteger();
    private static final SerializeType DEFAULT_SERIALIZE_TYPE = SerializeType.processDefault();

    private int code;
    private LanguageCode language = LanguageCode.JAVA;
    private int version = CURRENT_VERSION;
    private int opaque;
    private int flag;
    private String remark;
    private final Map<String, String> extFields = new LinkedHashMap<>();
    private byte[] body;
    private List<ByteBuffer> bodyParts;
    private Runnable releaseBodyParts;
    private SerializeType serializeType = DEFAULT_SERIALIZE_TYPE;

    /** An empty command; the codec fills it while decoding. */
    public RemotingCommand() {
    }

    public static RemotingCommand request(int code) {
        RemotingCommand command = new RemotingCommand();
        command.code = code;
        command.opaque = NEXT_OPAQUE.getAndIncrement();
        return command;
    }

    /** A response matched to {@code request}, serialized the same way the request was, as peers expect. */
    public static RemotingCommand responseTo(RemotingCommand request, int code, String remark) {
        RemotingCommand response = new RemotingCommand();
        response.code = code;
        response.remark = remark;
        response.opaque = request.opaque;
        response.flag = RESPONSE_FLAG;
        response.serializeType = request.serializeType;
        return response;
    }

    public int code() {
        return code;
    }

    public void setCode(int code) {
        this.code = code;
    }

    public LanguageCode language() {
        return language;
    }

    public void setLanguage(LanguageCode language) {
        this.language = language;
    }

    public int version() {
        return version;
    }

    public void setVersion(int version) {
        this.version = version;
    }

    public int opaque() {
        return opaque;
    }

    public void setOpaque(int opaque) {
        this.opaque = opaque;
    }

    public int flag() {
        return flag;
    }

    public void setFlag(int flag) {
        this.flag = flag;
    }

    public boolean isResponse() {
        return (flag & RESPONSE_FLAG) != 0;
    }

    public boolean isOneway() {
        return (flag & ONEWAY_FLAG) != 0;
    }

    public void markOneway() {
        flag |= ONEWAY_FLAG;
    }

    public void markResponse() {
        flag |= RESPONSE_FLAG;
    }

    public String remark() {
        return remark;
    }

    public void setRemark(String remark) {
        this.remark = remark;
    }

    public Map<String, String> extFields() {
        return Collections.unmodifiableMap(extFields);
    }

    /** Sets a custom-header field from its Java value as RocketMQ does (decimal, true/false); null removes it. */
    public RemotingCommand putExtField(String name, Object value) {
        if (value == null) {
            extFields.remove(name);
        } else {
            extFields.put(name, String.valueOf(value));
        }
        return this;
    }

    public String extField(String name) {
        return extFields.get(name);
    }

    /** A mandatory custom-header field, or a {@link RemotingCommandException} naming it. */
    public String requireExtField(String name) throws RemotingCommandException {
        String value = extFields.get(name);
        if (value == null) {
            throw new RemotingCommandException("the custom field <" + name + "> is null");
        }
        return value;
    }

    public long requireLongExtField(String name) throws RemotingCommandException {
        String value = requireExtField(name);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new RemotingCommandException("the custom field <" + name + "> is not an integer");
        }
    }

    public byte[] body() {
        return body;
    }

    public RemotingCommand setBody(byte[] body) {
        this.body = body;
        this.bodyParts = null;
        return this;
    }

    /**
     * Makes the body these buffers, sent as they are without a copy (e.g. views of mapped files). {@code release}
     * runs exactly once, when the write has finished or failed, or the command was dropped unsent; the buffers must
     * stay valid until then. Replaces a byte-array body.
     */
    public RemotingCommand setBodyParts(List<ByteBuffer> parts, Runnable release) {
        this.body = null;
        this.bodyParts = List.copyOf(parts);
        this.releaseBodyParts = release;
        return this;
    }

    /** The buffers set by {@link #setBodyParts}, or null. */
    public List<ByteBuffer> bodyParts() {
        return bodyParts;
    }

    /** Body length on the wire, whichever form the body has. */
    public int bodyLength() {
        if (bodyParts != null) {
            int length = 0;
            for (ByteBuffer part : bodyParts) {
                length += part.remaining();
            }
            return length;
        }
        return body == null ? 0 : body.length;
    }

    /** Runs the release given with {@link #setBodyParts}, once; the network layer calls it after the write. */
    public void releaseBodyParts() {
        Runnable release = releaseBodyParts;
        releaseBodyParts = null;
        if (release != null) {
            release.run();
        }
    }

    public SerializeType serializeType() {
        return serializeType;
    }

    public void setSerializeType(SerializeType serializeType) {
        this.serializeType = serializeType;
    }

    @Override
    public String toString() {
        return "RemotingCommand[code=" + code + ", language=" + language + ", version=" + version + ", opaque=" + opaque
                + ", flag=" + flag + ", remark=" + remark + ", extFields=" + extFields + ", bodyLength="
                + bodyLength() + ", serializeType=" + serializeType + "]";
    }
}
