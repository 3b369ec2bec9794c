package dev.sluice.replication.sync;

import dev.sluice.store.AppendStatus;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Sends waiting for a slave's confirmation, kept in a ring of parallel arrays ordered by end offset: adding one
 * allocates nothing once the ring has grown to the number in flight, and a confirmation takes a prefix. Appending
 * threads add in nearly ascending order (they call in after the CommitLog lock, so two may swap), so keeping the
 * order costs a shift of one or two slots at most. Thread-safe; futures are completed outside the lock, since
 * completing one runs the send's response.
 */
final class Waiters {
    private long[] ends = new long[64];
    private long[] deadlines = new long[64];
    @SuppressWarnings("unchecked")
    private CompletableFuture<AppendStatus>[] futures = new CompletableFuture[64];
    private int head;
    private int size;
    /** Taken from the ring under the lock, completed after it; only {@link #confirm}'s caller touches it. */
    @SuppressWarnings("unchecked")
    private CompletableFuture<AppendStatus>[] confirmed = new CompletableFuture[64];

    /** Waits for a confirmation at or past {@code endOffset} until {@code deadline} (clock millis). */
    void add(long endOffset, long deadline, CompletableFuture<AppendStatus> future) {
        synchronized (this) {
            if (size == ends.length) {
                grow();
            }
            int mask = ends.length - 1;
            int at = size;
            // Shift later ends up one slot: the rare send that reached here after one appended behind it.
            while (at > 0 && ends[(head + at - 1) & mask] > endOffset) {
                int from = (head + at - 1) & mask;
                int to = (head + at) & mask;
                ends[to] = ends[from];
                deadlines[to] = deadlines[from];
                futures[to] = futures[from];
                at--;
            }
            int slot = (head + at) & mask;
            ends[slot] = endOffset;
            deadlines[slot] = deadline;
            futures[slot] = future;
            size++;
        }
    }

    /**
     * Completes PUT_OK every send ending at or before {@code offset}. One caller at a time (the HA event loop).
     *
     * @return how many were completed
     */
    int confirm(long offset) {
        int n = 0;
        synchronized (this) {
            int mask = ends.length - 1;
            while (size > 0 && ends[head] <= offset) {
                if (n == confirmed.length) {
                    confirmed = Arrays.copyOf(confirmed, n * 2);
                }
                confirmed[n++] = futures[head];
                futures[head] = null;
                head = (head + 1) & mask;
                size--;
            }
        }
        for (int i = 0; i < n; i++) {
            confirmed[i].complete(AppendStatus.PUT_OK);
            confirmed[i] = null;
        }
        return n;
    }

    /**
     * Completes FLUSH_SLAVE_TIMEOUT the sends whose deadline is at or before {@code now}. Deadlines ascend with the
     * order of arrival; a send that swapped places with its neighbour expires at most one call late.
     */
    void expire(long now) {
        CompletableFuture<AppendStatus>[] late = take(now);
        for (CompletableFuture<AppendStatus> f : late) {
            f.complete(AppendStatus.FLUSH_SLAVE_TIMEOUT);
        }
    }

    /** Completes every waiting send FLUSH_SLAVE_TIMEOUT. */
    void expireAll() {
        expire(Long.MAX_VALUE);
    }

    synchronized int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    private synchronized CompletableFuture<AppendStatus>[] take(long now) {
        int mask = ends.length - 1;
        int n = 0;
        while (n < size && deadlines[(head + n) & mask] <= now) {
            n++;
        }
        CompletableFuture<AppendStatus>[] taken = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            taken[i] = futures[head];
            futures[head] = null;
            head = (head + 1) & mask;
        }
        size -= n;
        return taken;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        int capacity = ends.length * 2;
        long[] e = new long[capacity];
        long[] d = new long[capacity];
        CompletableFuture<AppendStatus>[] f = new CompletableFuture[capacity];
        int mask = ends.length - 1;
        for (int i = 0; i < size; i++) {
            int from = (head + i) & mask;
            e[i] = ends[from];
            d[i] = deadlines[from];
            f[i] = futures[from];
        }
        ends = e;
        deadlines = d;
        futures = f;
        head = 0;
    }
}
