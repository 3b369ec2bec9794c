package dev.sluice.broker.send;

/** RocketMQ's offsetMsgId: upper-case hex of the store host address, its port and the CommitLog offset. */
public final class MessageIds {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MessageIds() {
    }

    public static String offsetMsgId(byte[] storeHost, int storePort, long commitLogOffset) {
        char[] out = new char[(storeHost.length + 4 + 8) * 2];
        int at = 0;
        for (byte b : storeHost) {
            at = hex(b, out, at);
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            at = hex((byte) (storePort >>> shift), out, at);
        }
        for (int shift = 56; shift >= 0; shift -= 8) {
            at = hex((byte) (commitLogOffset >>> shift), out, at);
        }
        return new String(out);
    }

    /**
     * The CommitLog offset an offsetMsgId names: its last 16 hex digits, after an IPv4 (32 digits in all) or IPv6 (56)
     * store host and port.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static long commitLogOffset(String offsetMsgId) {
        if ((offsetMsgId.length() != 32 && offsetMsgId.length() != 56) || !offsetMsgId.matches("[0-9A-Fa-f]+")) {
            throw new IllegalArgumentException("not an offsetMsgId: " + offsetMsgId);
        }
        return Long.parseUnsignedLong(offsetMsgId.substring(offsetMsgId.length() - 16), 16);
    }

    private static int hex(byte b, char[] out, int at) {
        out[at] = HEX[(b >> 4) & 0xF];
        out[at + 1] = HEX[b & 0xF];
        return at + 2;
    }
}
