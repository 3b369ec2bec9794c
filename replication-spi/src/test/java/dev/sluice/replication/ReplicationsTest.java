package dev.sluice.replication;

import dev.sluice.store.ReplicationLog;
import dev.sluice.store.spi.ReplicationHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Strategies come from jars' service entries; the highest priority serving the role wins; gaps and ties are errors. */
class ReplicationsTest {
    @TempDir
    Path dir;

    /** Serves masters. */
    public static final class Masters extends Fake {
        @Override
        public boolean serves(String role) {
            return role.endsWith("MASTER");
        }
    }

    /** Serves SYNC_MASTER with a higher priority. */
    public static final class Sync extends Fake {
        @Override
        public boolean serves(String role) {
            return role.equals("SYNC_MASTER");
        }

        @Override
        public int priority() {
            return 5;
        }
    }

    /** Another SYNC_MASTER strategy of the same priority. */
    public static final class OtherSync extends Fake {
        @Override
        public boolean serves(String role) {
            return role.equals("SYNC_MASTER");
        }

        @Override
        public int priority() {
            return 5;
        }
    }

    abstract static class Fake implements ReplicationStrategy {
        @Override
        public Replicator create(ReplicationSettings settings) {
            return new Replicator() {
                @Override
                public ReplicationHook hook() {
                    return ReplicationHook.NONE;
                }

                @Override
                public void start(ReplicationLog log) {
                }

                @Override
                public ReplicationStatus status() {
                    return new ReplicationStatus(settings.brokerRole(), 0, 0, -1, getClass().getName());
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void picksTheHighestPriorityStrategyServingTheRole() throws Exception {
        try (URLClassLoader loader = loader(jar("a.jar", Masters.class), jar("b.jar", Sync.class))) {
            assertEquals(Masters.class.getName(), Replications.find("ASYNC_MASTER", loader).getClass().getName());
            assertEquals(Sync.class.getName(), Replications.find("SYNC_MASTER", loader).getClass().getName());
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> Replications.find("SLAVE", loader));
            assertTrue(none.getMessage().contains("no replication strategy for brokerRole=SLAVE"), none.getMessage());
        }
    }

    @Test
    void twoStrategiesOfEqualPriorityForOneRoleAreAnError() throws Exception {
        try (URLClassLoader loader = loader(jar("a.jar", Sync.class), jar("b.jar", OtherSync.class))) {
            IllegalStateException tie = assertThrows(IllegalStateException.class,
                    () -> Replications.find("SYNC_MASTER", loader));
            assertTrue(tie.getMessage().contains(Sync.class.getName()) && tie.getMessage().contains(OtherSync.class.getName()),
                    tie.getMessage());
        }
    }

    @Test
    void createUsesTheContextClassLoader() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = loader(jar("a.jar", Masters.class))) {
            Thread.currentThread().setContextClassLoader(loader);
            Replicator r = Replications.create(ReplicationSettings.defaults("ASYNC_MASTER", 0));
            assertEquals("ASYNC_MASTER", r.status().role());
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private static URLClassLoader loader(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        // The parent has the classes but no service entries: only the jars make them strategies.
        return new URLClassLoader(urls, ReplicationsTest.class.getClassLoader());
    }

    private Path jar(String name, Class<?> strategy) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("META-INF/services/" + ReplicationStrategy.class.getName()));
            j.write((strategy.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }
}
