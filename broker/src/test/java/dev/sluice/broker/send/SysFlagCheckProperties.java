package dev.sluice.broker.send;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;

/**
 * SysFlagCheck against a model of what RocketMQ 4.9.7 / 5.x producers send: defined bits only, a transaction type of
 * none or PREPARED with TRAN_MSG, a compression type of 0-3, and a compressed single message whose ZLIB body
 * inflates (a complete stream, or at least its first 64 KiB of output), or whose LZ4 or ZSTD body is such a frame
 * (made by the official 4.9.7 compressors).
 */
class SysFlagCheckProperties {
    enum Body { ZLIB, TRUNCATED_ZLIB, NOT_ZLIB, LARGE_ZLIB_CUT_LATE, LZ4_FRAME, ZSTD_FRAME }

    @Property(tries = 2000)
    void refusedExactlyWhenTheModelSays(@ForAll("sysFlags") int sysFlag, @ForAll boolean batch,
                                        @ForAll boolean transactional, @ForAll Body kind,
                                        @ForAll("payloads") byte[] payload) {
        byte[] body = body(kind, payload);
        boolean unknownBits = (sysFlag & ~(0x1 | 0x2 | 0xC | 0x10 | 0x20 | 0x700)) != 0;
        int transaction = sysFlag & 0xC;
        int compression = (sysFlag >> 8) & 0x7;
        boolean compressed = (sysFlag & 0x1) != 0;
        boolean checked = compressed && !batch;
        boolean fitsCompression = switch (compression) {
            case 1 -> kind == Body.LZ4_FRAME;
            case 2 -> kind == Body.ZSTD_FRAME;
            default -> kind == Body.ZLIB || kind == Body.LARGE_ZLIB_CUT_LATE;
        };
        boolean expectRefusal = unknownBits
                || transaction == 0x8 || transaction == 0xC
                || (transaction == 0x4 && !transactional)
                || compression > 3
                || (compressed && batch)
                || (checked && !fitsCompression);
        String problem = SysFlagCheck.problem(sysFlag, batch, transactional, body);
        assertEquals(expectRefusal, problem != null, "sysFlag 0x" + Integer.toHexString(sysFlag) + " batch " + batch
                + " TRAN_MSG " + transactional + " body " + kind + ": " + problem);
    }

    @Provide
    Arbitrary<Integer> sysFlags() {
        // Mostly combinations of the defined bits, sometimes any int.
        Arbitrary<Integer> defined = Arbitraries.integers().between(0, 0x7FF)
                .filter(f -> (f & 0xC0) == 0 || f % 7 == 0);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, defined),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2000);
    }

    private static byte[] body(Body kind, byte[] payload) {
        switch (kind) {
            case ZLIB:
                return deflate(payload);
            case TRUNCATED_ZLIB:
                // Inflates to under 64 KiB, so the check sees that the stream does not end.
                byte[] full = deflate(payload);
                return Arrays.copyOf(full, full.length - 1 - Math.floorMod(payload[0], full.length - 2));
            case LZ4_FRAME:
                return compress(CompressionType.LZ4, payload);
            case ZSTD_FRAME:
                return compress(CompressionType.ZSTD, payload);
            case NOT_ZLIB:
                byte[] garbage = payload.clone();
                garbage[0] = 0x12; // compression method 2: no zlib header has it
                return garbage;
            default:
                // More than 64 KiB of output before the cut: only the start is checked, so it is taken.
                byte[] large = new byte[200_000];
                for (int i = 0; i < large.length; i++) {
                    large[i] = payload[i % payload.length];
                }
                byte[] stream = deflate(large);
                return Arrays.copyOf(stream, stream.length - 1);
        }
    }

    /** As the official 4.9.7 producer compresses with rocketmq.message.compressType set. */
    private static byte[] compress(CompressionType type, byte[] data) {
        try {
            return CompressorFactory.getCompressor(type).compress(data, 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(5);
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 1024];
        int n = deflater.deflate(out);
        deflater.end();
        return Arrays.copyOf(out, n);
    }
}
