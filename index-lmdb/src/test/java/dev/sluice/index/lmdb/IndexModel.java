package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the index should answer: a multimap (topic, key) → (timestamp, offset), filtered and sorted per query. */
final class IndexModel {
    record Entry(long timestamp, long offset) {
    }

    private final Map<List<String>, Set<Entry>> entries = new LinkedHashMap<>();
    private long applied;

    /** Entries below the applied offset are indexed already: the store re-dispatching. */
    void apply(IndexBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.commitLogOffset(i) < applied) {
                continue;
            }
            entries.computeIfAbsent(List.of(batch.topic(i), batch.key(i)), n -> new LinkedHashSet<>())
                    .add(new Entry(batch.storeTimestamp(i), batch.commitLogOffset(i)));
        }
        applied = Math.max(applied, batch.endOffset());
    }

    List<Long> query(String topic, String key, int maxNum, long begin, long end) {
        return entries.getOrDefault(List.of(topic, key), Set.of()).stream()
                .filter(e -> e.timestamp() >= begin && e.timestamp() <= end)
                .sorted(Comparator.comparingLong(Entry::timestamp).thenComparingLong(Entry::offset).reversed())
                .limit(maxNum)
                .map(Entry::offset)
                .toList();
    }

    void truncateFrom(long offset) {
        entries.values().forEach(set -> set.removeIf(e -> e.offset() >= offset));
        entries.values().removeIf(Set::isEmpty);
        applied = Math.min(applied, offset);
    }

    void deleteBelow(long offset) {
        entries.values().forEach(set -> set.removeIf(e -> e.offset() < offset));
        entries.values().removeIf(Set::isEmpty);
    }

    long applied() {
        return applied;
    }

    /** Every (topic, key) with at least one entry. */
    Set<List<String>> names() {
        return entries.keySet();
    }
}
