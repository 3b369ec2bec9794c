package dev.sluice.jmh.load;

import org.apache.rocketmq.common.UtilAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Sluice driver reads back bodies the official producer compressed (it does at 4 KiB and over), so a run sent
 * with {@code --client apache} can be consumed with {@code --client sluice}.
 */
class SluiceDriverInflateTest {
    @Test
    void aBodyTheOfficialClientCompressedComesBackWhole() throws Exception {
        byte[] body = new byte[100 << 10];
        byte[] id = "run-7f3a seq 123456".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < body.length; i++) {
            body[i] = id[i % id.length];
        }
        byte[] compressed = UtilAll.compress(body, 5);
        assertArrayEquals(body, SluiceDriver.inflate(compressed));
    }

    @Test
    void aTruncatedBodyIsAnError() throws Exception {
        byte[] compressed = UtilAll.compress(new byte[8192], 5);
        assertThrows(DataFormatException.class,
                () -> SluiceDriver.inflate(Arrays.copyOf(compressed, compressed.length / 2)));
    }
}
