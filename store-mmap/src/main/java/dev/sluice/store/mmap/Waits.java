package dev.sluice.store.mmap;

import java.nio.charset.StandardCharsets;

/** Reads the WAIT property straight from the encoded properties, without decoding them. */
final class Waits {
    private static final byte[] WAIT_FALSE = "WAIT\u0001false".getBytes(StandardCharsets.UTF_8);

    private Waits() {
    }

    /** False only when the producer asked not to wait for the store (WAIT=false). */
    static boolean forStore(byte[] properties) {
        if (properties == null || properties.length < WAIT_FALSE.length) {
            return true;
        }
        outer:
        for (int i = 0; i + WAIT_FALSE.length <= properties.length; i++) {
            if (i > 0 && properties[i - 1] != 2) {
                continue;
            }
            for (int j = 0; j < WAIT_FALSE.length; j++) {
                if (properties[i + j] != WAIT_FALSE[j]) {
                    continue outer;
                }
            }
            int after = i + WAIT_FALSE.length;
            if (after == properties.length || properties[after] == 2) {
                return false;
            }
        }
        return true;
    }
}
