package dev.sluice.broker.send;

import dev.sluice.store.SysFlag;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What a send's sysFlag may say, as RocketMQ 4.9.7's producers use it. A record with other bits, or a body marked
 * compressed that does not inflate (or, for LZ4 and ZSTD, does not start as a frame), would be stored and dispatched, and the official client, failing to decode it,
 * drops it and every record after it in the same pull answer while its next offset moves past them all. Such sends
 * are refused instead.
 */
final class SysFlagCheck {
    /** Bits 8-10: how a compressed body is compressed (4.9.7 and 5.x producers send ZLIB, 3, as 0x301). */
    private static final int COMPRESSION_TYPE = 0x7 << 8;
    private static final int LZ4 = 1 << 8;
    private static final int ZSTD = 2 << 8;
    private static final int ZLIB = 3 << 8;
    /** How 4.9.7's producers frame LZ4 and ZSTD bodies (LZ4FrameOutputStream, ZstdOutputStream): magic first. */
    private static final byte[] LZ4_FRAME_MAGIC = {0x04, 0x22, 0x4D, 0x18};
    private static final byte[] ZSTD_FRAME_MAGIC = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
    /** Bits a send may carry; the host bits are the broker's to set, and it sets them again from the addresses. */
    private static final int ALLOWED = SysFlag.COMPRESSED | SysFlag.MULTI_TAGS | SysFlag.TRANSACTION_ROLLBACK_TYPE
            | SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6 | COMPRESSION_TYPE;
    /** Enough output to tell a zlib stream from other bytes, without inflating a whole large body on an I/O thread. */
    private static final int CHECKED_OUTPUT = 64 * 1024;
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8192]);

    private SysFlagCheck() {
    }

    /**
     * @param transactional whether the message carries TRAN_MSG=true
     * @return why the send is refused, or null
     */
    static String problem(int sysFlag, boolean batch, boolean transactional, byte[] body) {
        int unknown = sysFlag & ~ALLOWED;
        if (unknown != 0) {
            return "sysFlag " + sysFlag + " sets bits a send cannot carry (0x" + Integer.toHexString(unknown) + ")";
        }
        int transaction = SysFlag.transactionType(sysFlag);
        if (transaction == SysFlag.TRANSACTION_COMMIT_TYPE || transaction == SysFlag.TRANSACTION_ROLLBACK_TYPE) {
            return "sysFlag " + sysFlag + " marks the message committed or rolled back; END_TRANSACTION ends a "
                    + "transaction, a send may only be PREPARED";
        }
        if (transaction == SysFlag.TRANSACTION_PREPARED_TYPE && !transactional) {
            return "sysFlag " + sysFlag + " marks a PREPARED (half) message without the TRAN_MSG=true property";
        }
        int compression = sysFlag & COMPRESSION_TYPE;
        if (compression > ZLIB) {
            return "sysFlag " + sysFlag + " names compression type " + (compression >> 8)
                    + ", which RocketMQ does not define (1 LZ4, 2 ZSTD, 3 ZLIB)";
        }
        if ((sysFlag & SysFlag.COMPRESSED) != 0) {
            if (batch) {
                return "a batch cannot be compressed (sysFlag " + sysFlag + ")";
            }
            // The JDK cannot inflate LZ4 or ZSTD, but a frame that does not even start as one is no such body.
            if (compression == LZ4) {
                return startsWith(body, LZ4_FRAME_MAGIC) && body.length > 4 && (body[4] & 0xC0) == 0x40 ? null
                        : "the body is marked LZ4-compressed (sysFlag " + sysFlag + ") but is no LZ4 frame";
            }
            if (compression == ZSTD) {
                return startsWith(body, ZSTD_FRAME_MAGIC) ? null
                        : "the body is marked ZSTD-compressed (sysFlag " + sysFlag + ") but is no ZSTD frame";
            }
            String bad = inflateProblem(body);
            if (bad != null) {
                return "the body is marked compressed (sysFlag " + sysFlag + ") but is not zlib data: " + bad;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] body, byte[] magic) {
        return body.length >= magic.length && Arrays.equals(body, 0, magic.length, magic, 0, magic.length);
    }

    /** Inflates the start of a ZLIB body (all of it when it is small), discarding the output. */
    private static String inflateProblem(byte[] body) {
        Inflater inflater = INFLATER.get();
        byte[] scratch = SCRATCH.get();
        inflater.reset();
        inflater.setInput(body);
        try {
            int produced = 0;
            while (produced < CHECKED_OUTPUT && !inflater.finished()) {
                int n = inflater.inflate(scratch);
                produced += n;
                if (n == 0 && inflater.needsDictionary()) {
                    return "it needs a preset dictionary";
                }
                if (n == 0 && inflater.needsInput()) {
                    return "it ends before the zlib stream does";
                }
                if (n == 0) {
                    return "the zlib stream makes no progress"; // not expected of Inflater; never loop on it
                }
            }
            return null;
        } catch (DataFormatException e) {
            return e.getMessage();
        }
    }
}
