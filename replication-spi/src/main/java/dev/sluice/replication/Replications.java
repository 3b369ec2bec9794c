package dev.sluice.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the strategy for a broker role among those on the class path. */
public final class Replications {
    private Replications() {
    }

    /** The strategy for {@code settings.brokerRole()}, from the thread's context class loader, created. */
    public static Replicator create(ReplicationSettings settings) {
        return find(settings.brokerRole(), Thread.currentThread().getContextClassLoader()).create(settings);
    }

    /**
     * The highest-priority strategy serving {@code brokerRole}.
     *
     * @throws IllegalStateException when none does, or when two of the highest priority do (naming them)
     */
    public static ReplicationStrategy find(String brokerRole, ClassLoader loader) {
        List<ReplicationStrategy> best = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (ReplicationStrategy s : ServiceLoader.load(ReplicationStrategy.class, loader)) {
            seen.add(s.getClass().getName());
            if (!s.serves(brokerRole)) {
                continue;
            }
            if (!best.isEmpty() && s.priority() > best.get(0).priority()) {
                best.clear();
            }
            if (best.isEmpty() || s.priority() == best.get(0).priority()) {
                best.add(s);
            }
        }
        if (best.isEmpty()) {
            throw new IllegalStateException("no replication strategy for brokerRole=" + brokerRole
                    + " on the class path (found: " + seen + "); add sluice-replication-async or -sync");
        }
        if (best.size() > 1) {
            throw new IllegalStateException("several replication strategies serve brokerRole=" + brokerRole
                    + " with the same priority: " + best.stream().map(s -> s.getClass().getName()).toList());
        }
        return best.get(0);
    }
}
