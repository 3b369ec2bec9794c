package dev.sluice.client.internal;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.sluice.client.ClientException;
import dev.sluice.remoting.log.LogLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic routes from the name servers, refreshed every poll interval. A topic the name servers do not know is
 * remembered as absent for one second only, so a topic created meanwhile is found quickly. A refresh that fails, or
 * that finds the topic unknown, keeps the last known route. Listeners hear about every route that changed on refresh.
 */
public final class RouteCache {
    private static final Logger LOG = LoggerFactory.getLogger(RouteCache.class);
    private static final long ABSENT_TTL_NANOS = Duration.ofSeconds(1).toNanos();

    private final NameServerClient nameServer;
    private final LoadingCache<String, Optional<TopicRoute>> routes;
    private final List<BiConsumer<String, TopicRoute>> listeners = new CopyOnWriteArrayList<>();
    private final LogLimit refreshFailures = LogLimit.perMinute();

    public RouteCache(NameServerClient nameServer, Duration refreshInterval, Executor executor) {
        this.nameServer = nameServer;
        this.routes = Caffeine.newBuilder()
                .executor(executor)
                .refreshAfterWrite(refreshInterval)
                .expireAfter(new Expiry<String, Optional<TopicRoute>>() {
                    @Override
                    public long expireAfterCreate(String topic, Optional<TopicRoute> route, long now) {
                        return route.isPresent() ? Long.MAX_VALUE : ABSENT_TTL_NANOS;
                    }

                    @Override
                    public long expireAfterUpdate(String topic, Optional<TopicRoute> route, long now, long current) {
                        return expireAfterCreate(topic, route, now);
                    }

                    @Override
                    public long expireAfterRead(String topic, Optional<TopicRoute> route, long now, long current) {
                        return current;
                    }
                })
                .build(new CacheLoader<>() {
                    @Override
                    public Optional<TopicRoute> load(String topic) throws ClientException {
                        return nameServer.route(topic);
                    }

                    @Override
                    public Optional<TopicRoute> reload(String topic, Optional<TopicRoute> old) {
                        Optional<TopicRoute> fresh;
                        try {
                            fresh = nameServer.route(topic);
                        } catch (ClientException e) {
                            // Thrown, Caffeine would print a stack trace for every refresh, past the client's logging.
                            String more = refreshFailures.next();
                            if (more != null) {
                                LOG.warn("keeping the last route of topic {}: {}{}", topic, e.getMessage(), more);
                            }
                            return old;
                        }
                        if (fresh.isEmpty() && old.isPresent()) {
                            // A name server that restarted knows a topic again only once its brokers have registered
                            // again (within 30 s); RocketMQ's client keeps the route meanwhile too.
                            return old;
                        }
                        if (fresh.isPresent() && !fresh.equals(old)) {
                            listeners.forEach(listener -> listener.accept(topic, fresh.get()));
                        }
                        return fresh;
                    }
                });
    }

    /** The route, asking the name servers if it is not cached; empty when they know none. */
    public Optional<TopicRoute> find(String topic) throws ClientException {
        try {
            return routes.get(topic);
        } catch (CompletionException e) {
            if (e.getCause() instanceof ClientException cause) {
                throw new ClientException(cause.getMessage(), cause);
            }
            throw e;
        }
    }

    /** The route, or a {@link ClientException} "no route info for topic X (NameServers tried: ...)". */
    public TopicRoute route(String topic) throws ClientException {
        return find(topic).orElseThrow(() -> new ClientException(nameServer.noRouteMessage(topic)));
    }

    /** Fetches every cached topic's route again now (the periodic poll, and after a broker reported a change). */
    public void refreshAll() {
        routes.refreshAll(new ArrayList<>(routes.asMap().keySet()));
    }

    /** Asks the name servers again at the next look-up of {@code topic}. */
    public void invalidate(String topic) {
        routes.invalidate(topic);
    }

    public List<TopicRoute> cachedRoutes() {
        List<TopicRoute> result = new ArrayList<>();
        routes.asMap().values().forEach(route -> route.ifPresent(result::add));
        return result;
    }

    public void addChangeListener(BiConsumer<String, TopicRoute> listener) {
        listeners.add(listener);
    }
}
