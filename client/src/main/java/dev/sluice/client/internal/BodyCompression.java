package dev.sluice.client.internal;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** zlib bodies, flagged in the message sysFlag as RocketMQ 4.9.7 does (COMPRESSED | ZLIB type = 0x301). */
public final class BodyCompression {
    public static final int COMPRESSED_FLAG = 0x1;
    public static final int COMPRESSION_TYPE_MASK = 0x700;
    public static final int ZLIB_TYPE = 0x300;
    /** The 4.9.7 producer's default level. */
    public static final int DEFAULT_LEVEL = 5;

    private BodyCompression() {
    }

    public static byte[] compress(byte[] body, int level) {
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(body);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 2));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /**
     * Inflates a body whose sysFlag has the COMPRESSED bit. Type 0 means zlib (older clients); LZ4 and ZSTD, which
     * 4.9.7 never writes, are refused.
     */
    public static byte[] decompress(byte[] body, int sysFlag) throws DataFormatException {
        int type = sysFlag & COMPRESSION_TYPE_MASK;
        if (type != 0 && type != ZLIB_TYPE) {
            throw new DataFormatException("unsupported compression type 0x" + Integer.toHexString(type));
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("truncated compressed body");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
