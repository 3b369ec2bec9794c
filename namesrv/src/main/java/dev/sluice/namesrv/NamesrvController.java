package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.netty.NettyRemotingServer;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one name server: registry, KV store, settings, request processors, liveness scan, and the remoting server. */
public final class NamesrvController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamesrvController.class);
    /** Requests waiting beyond this are answered SYSTEM_BUSY instead of piling up in memory. */
    private static final int MAX_QUEUED_REQUESTS = 10_000;

    private final NamesrvConfig config;
    private final Clock clock;
    private final RouteRegistry registry = new RouteRegistry();
    private final KvConfigStore kvConfig;
    private final RemotingServer server;
    private final ExecutorService brokerExecutor;
    private final ExecutorService clientExecutor;
    private final BrokerLivenessScanner scanner;

    /** @param clock the time base of broker expiry; tests pass a clock they control */
    public NamesrvController(NamesrvConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.kvConfig = new KvConfigStore(config.kvConfigPath());
        this.server = new NettyRemotingServer(config.remotingServerConfig());
        // Broker registrations get their own threads so a flood of client queries cannot starve them into expiry.
        this.brokerExecutor = pool("namesrv-broker", Math.max(1, config.serverWorkerThreads() / 2));
        this.clientExecutor = pool("namesrv-client", config.serverWorkerThreads());
        this.scanner = new BrokerLivenessScanner(registry, clock, config.scanNotActiveBrokerInterval(),
                config::brokerChannelExpiredTime);
    }

    public void start() throws IOException, InterruptedException {
        kvConfig.load();
        BrokerRegistrationProcessor brokers = new BrokerRegistrationProcessor(registry, kvConfig, clock);
        for (int code : new int[] {RequestCode.REGISTER_BROKER, RequestCode.UNREGISTER_BROKER, RequestCode.QUERY_DATA_VERSION}) {
            server.registerProcessor(code, brokers, brokerExecutor);
        }
        RouteQueryProcessor routes = new RouteQueryProcessor(registry, kvConfig, config);
        for (int code : new int[] {RequestCode.GET_ROUTEINFO_BY_TOPIC, RequestCode.GET_BROKER_CLUSTER_INFO,
                RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, RequestCode.GET_TOPICS_BY_CLUSTER,
                RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS}) {
            server.registerProcessor(code, routes, clientExecutor);
        }
        TopicAdminProcessor admin = new TopicAdminProcessor(registry);
        for (int code : new int[] {RequestCode.DELETE_TOPIC_IN_NAMESRV, RequestCode.WIPE_WRITE_PERM_OF_BROKER,
                RequestCode.ADD_WRITE_PERM_OF_BROKER}) {
            server.registerProcessor(code, admin, clientExecutor);
        }
        KvConfigProcessor kv = new KvConfigProcessor(kvConfig);
        for (int code : new int[] {RequestCode.PUT_KV_CONFIG, RequestCode.GET_KV_CONFIG, RequestCode.DELETE_KV_CONFIG,
                RequestCode.GET_KVLIST_BY_NAMESPACE}) {
            server.registerProcessor(code, kv, clientExecutor);
        }
        NamesrvConfigProcessor settings = new NamesrvConfigProcessor(config, server::port);
        for (int code : new int[] {RequestCode.GET_NAMESRV_CONFIG, RequestCode.UPDATE_NAMESRV_CONFIG}) {
            server.registerProcessor(code, settings, clientExecutor);
        }
        server.addConnectionListener(registry::connectionClosed);
        server.start();
        scanner.start();
        LOG.info("name server started on port {}", server.port());
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        scanner.close();
        server.close();
        brokerExecutor.shutdown();
        clientExecutor.shutdown();
        try {
            if (!brokerExecutor.awaitTermination(5, TimeUnit.SECONDS) | !clientExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("request threads did not finish within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("name server stopped");
    }

    private static ExecutorService pool(String name, int threads) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED_REQUESTS),
                new NamedThreads(name));
    }
}
