package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: continues the script from the index's applied offset the way
 * the store re-dispatches, printing each committed batch's end offset, until it is killed.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        CrashScript script = new CrashScript(Long.parseLong(args[1]));
        // Nothing queries in the child: its log need not hold anything.
        KeyIndex index = TestIndexes.open(Path.of(args[0]), Long.parseLong(args[2]), TestIndexes.CHILD_RUNS,
                new TestIndexes.TestLog());
        long start = 0;
        int number = 0;
        while (start < index.appliedOffset()) {
            start = script.batch(number++, start).endOffset();
        }
        if (start != index.appliedOffset()) {
            throw new IllegalStateException("applied offset " + index.appliedOffset() + " is not a batch end");
        }
        System.out.println("ready " + start);
        while (true) {
            IndexBatch batch = script.batch(number++, start);
            index.apply(batch);
            start = batch.endOffset();
            System.out.println("applied " + start);
        }
    }
}
