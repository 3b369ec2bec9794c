package dev.sluice.jmh.load;

import dev.sluice.store.SysFlag;
import org.apache.rocketmq.common.UtilAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Sluice driver reads back bodies the official producer compressed (it does at 4 KiB and over), so a run sent
 * with {@code --client apache} can be consumed with {@code --client sluice}.
 */
class SluiceDriverBodyTest {
    @Test
    void aBodyTheOfficialClientCompressedComesBackWhole() throws Exception {
        byte[] body = new byte[100 << 10];
        byte[] id = "run-7f3a seq 123456".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < body.length; i++) {
            body[i] = id[i % id.length];
        }
        assertArrayEquals(body, SluiceDriver.body(UtilAll.compress(body, 5), SysFlag.COMPRESSED));
    }

    @Test
    void anUncompressedBodyIsTakenAsItIs() throws Exception {
        byte[] body = "run-7f3a seq 1".getBytes(StandardCharsets.US_ASCII);
        assertSame(body, SluiceDriver.body(body, 0));
    }

    @Test
    void aTruncatedBodyIsAnError() throws Exception {
        byte[] compressed = UtilAll.compress(new byte[8192], 5);
        assertThrows(DataFormatException.class,
                () -> SluiceDriver.body(Arrays.copyOf(compressed, compressed.length / 2), SysFlag.COMPRESSED));
    }
}
