package dev.sluice.store.mmap;

import dev.sluice.store.MessageProperties;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The ConsumeQueue tag code (the TAGS value's {@code String.hashCode()}, 0 without tags) read straight from a
 * record's property bytes, so dispatch does not decode the properties of every message. UTF-8 never uses the
 * separator bytes 1 and 2 inside a character, so splitting bytes splits the string the same way; only a
 * non-ASCII value is decoded.
 */
final class TagCodes {
    private static final byte NAME_VALUE = (byte) MessageProperties.NAME_VALUE_SEPARATOR;
    private static final byte PROPERTY = (byte) MessageProperties.PROPERTY_SEPARATOR;
    private static final byte[] TAGS = MessageProperties.TAGS.getBytes(StandardCharsets.US_ASCII);

    private TagCodes() {
    }

    static long of(ByteBuffer buf, int at, int length) {
        int end = at + length;
        int segment = at;
        while (segment < end) {
            int segmentEnd = segment;
            while (segmentEnd < end && buf.get(segmentEnd) != PROPERTY) {
                segmentEnd++;
            }
            if (isTags(buf, segment, segmentEnd)) {
                return hash(buf, segment + TAGS.length + 1, segmentEnd);
            }
            segment = segmentEnd + 1;
        }
        return 0;
    }

    private static boolean isTags(ByteBuffer buf, int from, int to) {
        if (to - from < TAGS.length + 1 || buf.get(from + TAGS.length) != NAME_VALUE) {
            return false;
        }
        for (int i = 0; i < TAGS.length; i++) {
            if (buf.get(from + i) != TAGS[i]) {
                return false;
            }
        }
        return true;
    }

    private static long hash(ByteBuffer buf, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            byte b = buf.get(i);
            if (b < 0) {
                byte[] utf8 = new byte[to - from];
                buf.get(from, utf8);
                return new String(utf8, StandardCharsets.UTF_8).hashCode();
            }
            h = 31 * h + b;
        }
        return h;
    }
}
