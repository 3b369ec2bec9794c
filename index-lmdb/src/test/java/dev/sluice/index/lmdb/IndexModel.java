package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the index should answer: a plain set of (topic, key, timestamp, offset), scanned on every query. */
final class IndexModel {
    record Entry(String topic, String key, long timestamp, long offset) {
    }

    private final Set<Entry> entries = new LinkedHashSet<>();
    private long applied;

    void apply(IndexBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            entries.add(new Entry(batch.topic(i), batch.key(i), batch.storeTimestamp(i), batch.commitLogOffset(i)));
        }
        applied = Math.max(applied, batch.endOffset());
    }

    List<Long> query(String topic, String key, int maxNum, long begin, long end) {
        return entries.stream()
                .filter(e -> e.topic().equals(topic) && e.key().equals(key))
                .filter(e -> e.timestamp() >= begin && e.timestamp() <= end)
                .sorted(Comparator.comparingLong(Entry::timestamp).thenComparingLong(Entry::offset).reversed())
                .limit(maxNum)
                .map(Entry::offset)
                .toList();
    }

    void truncateFrom(long offset) {
        entries.removeIf(e -> e.offset() >= offset);
        applied = Math.min(applied, offset);
    }

    long countBelow(long offset) {
        return entries.stream().filter(e -> e.offset() < offset).count();
    }

    void deleteBelow(long offset) {
        entries.removeIf(e -> e.offset() < offset);
    }

    long applied() {
        return applied;
    }

    /** Every distinct (topic, key) ever indexed and still present. */
    Set<List<String>> names() {
        Set<List<String>> names = new LinkedHashSet<>();
        entries.forEach(e -> names.add(List.of(e.topic(), e.key())));
        return names;
    }
}
