package dev.sluice.broker.send;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SEND_BATCH_MESSAGE body into its messages: per message {@code int totalSize, int magic, int bodyCRC,
 * int flag, int bodyLength, body, short propertiesLength, properties}. Bodies are views of the request body.
 */
final class BatchDecoder {
    record Inner(int flag, ByteBuffer body, String properties) {
    }

    private static final int FIXED = 4 + 4 + 4 + 4 + 4 + 2;

    private BatchDecoder() {
    }

    /** @throws IllegalArgumentException when the lengths do not add up */
    static List<Inner> decode(byte[] batch) {
        ByteBuffer in = ByteBuffer.wrap(batch);
        List<Inner> messages = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < FIXED) {
                throw new IllegalArgumentException("batch message " + messages.size() + " is truncated");
            }
            int totalSize = in.getInt();
            in.getInt(); // magic: 0 from clients, not checked by RocketMQ either
            in.getInt(); // body CRC: recomputed by the store
            int flag = in.getInt();
            int bodyLength = in.getInt();
            if (bodyLength < 0 || bodyLength > in.remaining() - 2) {
                throw new IllegalArgumentException("batch message " + messages.size() + " has a bad body length");
            }
            ByteBuffer body = in.slice(in.position(), bodyLength);
            in.position(in.position() + bodyLength);
            int propertiesLength = in.getShort();
            if (propertiesLength < 0 || propertiesLength > in.remaining()) {
                throw new IllegalArgumentException("batch message " + messages.size() + " has a bad properties length");
            }
            String properties = new String(batch, in.position(), propertiesLength, StandardCharsets.UTF_8);
            in.position(in.position() + propertiesLength);
            if (in.position() - start != totalSize) {
                throw new IllegalArgumentException("batch message " + messages.size() + " size " + totalSize
                        + " does not match its fields");
            }
            messages.add(new Inner(flag, body, properties));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        return messages;
    }
}
