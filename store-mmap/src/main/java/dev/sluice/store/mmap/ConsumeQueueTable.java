package dev.sluice.store.mmap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every ConsumeQueue of the store, under {@code <storePathConsumeQueue>/<topic>/<queueId>/}.
 *
 * <p>{@link #writeLock()} orders the threads that change queue files: the dispatcher holds it for a round of units,
 * retention for each file it destroys, and a topic's deletion for its files. A file destroyed while the dispatcher
 * wrote into it was unmapped under the write and crashed the JVM (SIGSEGV, seen once under forced cleaning).
 */
final class ConsumeQueueTable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueueTable.class);

    private final Path root;
    private final int fileSize;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentHashMap<String, ConcurrentHashMap<Integer, ConsumeQueue>> queues = new ConcurrentHashMap<>();

    ConsumeQueueTable(Path root, int fileSize) {
        this.root = root;
        this.fileSize = fileSize;
    }

    Path root() {
        return root;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    /** Maps every queue's files, checking them all before any is changed (see {@link SegmentedLog#load}). */
    void load() throws IOException {
        Files.createDirectories(root);
        try (DirectoryStream<Path> topics = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path topicDir : topics) {
                try (DirectoryStream<Path> ids = Files.newDirectoryStream(topicDir, Files::isDirectory)) {
                    for (Path idDir : ids) {
                        String name = idDir.getFileName().toString();
                        if (!name.chars().allMatch(Character::isDigit) || name.isEmpty() || name.length() > 9) {
                            LOG.warn("ignoring {}: not a queue id directory", idDir);
                            continue;
                        }
                        getOrCreate(topicDir.getFileName().toString(), Integer.parseInt(name)).segments().load();
                    }
                }
            }
        }
    }

    /** Brings every loaded queue in line with the recovered CommitLog {@code [commitLogMin, commitLogEnd)}. */
    void recover(long commitLogMin, long commitLogEnd) throws IOException {
        for (ConsumeQueue cq : all()) {
            cq.recover(commitLogMin, commitLogEnd);
        }
    }

    /** The CommitLog offset re-dispatch must start at to rewrite the holes recovery found, or Long.MAX_VALUE. */
    long repairFrom() {
        long from = Long.MAX_VALUE;
        for (ConsumeQueue cq : all()) {
            from = Math.min(from, cq.repairFrom());
        }
        return from;
    }

    ConsumeQueue get(String topic, int queueId) {
        Map<Integer, ConsumeQueue> byId = queues.get(topic);
        return byId == null ? null : byId.get(queueId);
    }

    ConsumeQueue getOrCreate(String topic, int queueId) {
        // Plain look-up first: the dispatcher calls this per record, and computeIfAbsent's lambdas allocate.
        ConsumeQueue existing = get(topic, queueId);
        if (existing != null) {
            return existing;
        }
        return queues.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(queueId, id -> new ConsumeQueue(topic, id,
                        root.resolve(topic).resolve(String.valueOf(id)), fileSize, writeLock));
    }

    List<ConsumeQueue> all() {
        List<ConsumeQueue> all = new ArrayList<>();
        queues.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    /** Next queue offset of every queue: where the CommitLog writer continues after recovery. */
    Map<String, long[]> nextOffsets() {
        Map<String, long[]> next = new TreeMap<>();
        queues.forEach((topic, byId) -> {
            int maxId = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
            long[] offsets = new long[maxId + 1];
            byId.forEach((id, cq) -> offsets[id] = cq.maxOffset());
            next.put(topic, offsets);
        });
        return next;
    }

    Map<String, Set<Integer>> topics() {
        Map<String, Set<Integer>> view = new TreeMap<>();
        queues.forEach((topic, byId) -> view.put(topic, new TreeSet<>(byId.keySet())));
        return view;
    }

    /** Removes a topic's queues and their files. */
    void delete(String topic) throws IOException {
        // Under the lock: the dispatcher would otherwise write into files being unmapped, or re-create the
        // directories being deleted, for messages of the topic it had not dispatched yet.
        writeLock.lock();
        try {
            Map<Integer, ConsumeQueue> byId = queues.remove(topic);
            if (byId == null) {
                return;
            }
            for (ConsumeQueue cq : byId.values()) {
                cq.destroy();
            }
            Path dir = root.resolve(topic);
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> rest = Files.newDirectoryStream(dir)) {
                    for (Path p : rest) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } finally {
            writeLock.unlock();
        }
    }

    void close() {
        all().forEach(ConsumeQueue::close);
    }
}
