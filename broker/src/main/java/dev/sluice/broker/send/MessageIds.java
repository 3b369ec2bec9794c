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

    private static int hex(byte b, char[] out, int at) {
        out[at] = HEX[(b >> 4) & 0xF];
        out[at + 1] = HEX[b & 0xF];
        return at + 2;
    }
}
