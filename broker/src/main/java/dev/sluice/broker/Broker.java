package dev.sluice.broker;

import dev.sluice.broker.admin.BrokerAdminProcessor;
import dev.sluice.broker.admin.ConsumeQueueCleanProcessor;
import dev.sluice.broker.admin.ConsumerCallProcessor;
import dev.sluice.broker.admin.ConsumerStatusProcessor;
import dev.sluice.broker.admin.GroupAdminProcessor;
import dev.sluice.broker.admin.QueryConsumeQueueProcessor;
import dev.sluice.broker.admin.ResetOffsetProcessor;
import dev.sluice.broker.admin.StatsDataProcessor;
import dev.sluice.broker.admin.TopicAdminProcessor;
import dev.sluice.broker.client.ClientProcessor;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.client.ProducerConnectionProcessor;
import dev.sluice.broker.client.ProducerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfig.Pool;
import dev.sluice.broker.group.SlowConsumerProtection;
import dev.sluice.broker.group.SubscriptionGroupConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.lock.LockProcessor;
import dev.sluice.broker.lock.QueueLocks;
import dev.sluice.broker.ha.MetadataExportProcessor;
import dev.sluice.broker.ha.ReplicationInfo;
import dev.sluice.broker.ha.SlaveMetadataSync;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.offset.OffsetProcessor;
import dev.sluice.broker.pull.OffsetMovedEvents;
import dev.sluice.broker.pull.PullProcessor;
import dev.sluice.broker.query.QueryProcessor;
import dev.sluice.broker.registry.NameServerAddressRefresh;
import dev.sluice.broker.registry.NameServerRegistrar;
import dev.sluice.broker.retry.SendBackProcessor;
import dev.sluice.broker.schedule.DelayedDelivery;
import dev.sluice.broker.send.ReplyProcessor;
import dev.sluice.broker.send.SendProcessor;
import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.broker.stats.RequestPool;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.broker.transaction.Transactions;
import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.Replications;
import dev.sluice.replication.Replicator;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.config.AddressServer;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.remoting.netty.NettyRemotingServer;
import dev.sluice.store.DispatchListener;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker: wires the store, the metadata tables, the request processors and the name server registration, and
 * takes them down in the reverse order. Holds no protocol logic itself.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Path configFile;
    private final Clock clock = Clock.systemDefaultZone();
    private final List<ExecutorService> executors = new ArrayList<>();
    private NettyRemotingServer server;
    /** The VIP channel on listenPort - 2, or null; serves the same processors as {@link #server}. */
    private NettyRemotingServer vipServer;
    private NettyRemotingClient client;
    private ScheduledExecutorService scheduler;
    private MmapMessageStore store;
    private Replicator replicator;
    private ConsumerOffsetTable offsets;
    private Transactions transactions;
    private DelayedDelivery delayed;
    private NameServerRegistrar registrar;
    private String address;
    private boolean closed;
    /** The broker's ports are bound: the address it registers is its own. */
    private volatile boolean serving;

    public Broker(BrokerConfig config) {
        this(config, null);
    }

    /** @param configFile the file the settings came from (mqbroker -c), where UPDATE_BROKER_CONFIG saves changes */
    public Broker(BrokerConfig config, Path configFile) {
        this.config = config;
        this.configFile = configFile;
    }

    /** Opens (recovering) the store, binds the ports, starts serving and registers with the name servers. */
    public synchronized void start() throws Exception {
        server = new NettyRemotingServer(config.remotingServerConfig(config.listenPort()));
        // With an ephemeral listen port there is no VIP port: clients would look for it at the unknowable port - 2.
        if (config.vipListenPort() > 0) {
            vipServer = new NettyRemotingServer(config.remotingServerConfig(config.vipListenPort()));
        }
        // The ports open once every processor is registered, as RocketMQ's do: a client that reaches a broker still
        // recovering its store is refused the connection and tries another broker, where an open port would answer
        // "request type not supported", which no client retries. Only an ephemeral port (tests) is bound first: the
        // store writes the port into every message id.
        boolean ephemeral = config.listenPort() == 0;
        if (ephemeral) {
            server.start();
        }
        int port = ephemeral ? server.port() : config.listenPort();
        StoreConfig storeConfig = config.storeConfig(port);
        Path configDir = storeConfig.storePathRootDir().resolve("config");
        TopicTable topics = new TopicTable(config, new JsonFile(configDir.resolve("topics.json")));
        topics.load();
        SubscriptionGroupTable groups = new SubscriptionGroupTable(config, new JsonFile(configDir.resolve("subscriptionGroup.json")));
        groups.load();
        offsets = new ConsumerOffsetTable(new JsonFile(configDir.resolve("consumerOffset.json")));
        offsets.load();

        DispatchRelay dispatch = new DispatchRelay();
        if (config.isSlave()) {
            // As RocketMQ: a slave's CommitLog takes the master's bytes directly, never through a pool buffer.
            storeConfig = storeConfig.toBuilder().set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, "false").build();
        }
        replicator = Replications.create(haSettings());
        store = MmapMessageStore.open(storeConfig, StoreContext.defaults().withDispatchListener(dispatch)
                .withReplicationHook(replicator.hook()).withReplica(config.isSlave()));
        replicator.start(store.replicationLog());
        delayed = new DelayedDelivery(config, storeConfig, store, clock);

        scheduler = Executors.newSingleThreadScheduledExecutor(new BrokerThreads("broker-scheduler"));
        executors.add(scheduler);
        RequestPool sendPool = pool("broker-send", Pool.SEND);
        RequestPool pullPool = pool("broker-pull", Pool.PULL);
        RequestPool heartbeatPool = pool("broker-heartbeat", Pool.HEARTBEAT);
        RequestPool clientPool = pool("broker-client", Pool.CLIENT_MANAGE);
        RequestPool consumerPool = pool("broker-consumer", Pool.CONSUMER_MANAGE);
        RequestPool queryPool = pool("broker-query", Pool.QUERY);
        RequestPool replyPool = pool("broker-reply", Pool.REPLY);
        RequestPool transactionPool = pool("broker-transaction", Pool.END_TRANSACTION);
        RequestPool adminPool = pool("broker-admin", config.adminBrokerThreadPoolNums(), 10_000);

        BrokerStats stats = new BrokerStats(clock, config.brokerClusterName());
        ConsumerRegistry consumers = new ConsumerRegistry(server, clock, group -> {
            SubscriptionGroupConfig g = groups.get(group);
            return config.notifyConsumerIdsChangedEnable() && (g == null || g.notifyConsumerIdsChangedEnable());
        });
        server.addConnectionListener(consumers::connectionClosed);
        ProducerRegistry producers = new ProducerRegistry(clock);
        server.addConnectionListener(producers::connectionClosed);
        byte[] storeHost = InetAddress.getByName(config.brokerIP1()).getAddress();
        client = new NettyRemotingClient(config.remotingClientConfig());
        int haPort = replicator.haPort() > 0 ? replicator.haPort()
                : config.listenPort() == 0 ? port + 1 : config.haListenPort();
        registrar = new NameServerRegistrar(config, topics, client, port, haPort);
        address = registrar.brokerAddr();
        SlowConsumerProtection slowConsumers = new SlowConsumerProtection(config, groups);
        PullProcessor pull = new PullProcessor(config, topics, groups, consumers, offsets, store, server, stats,
                slowConsumers, scheduler, pullPool,
                new OffsetMovedEvents(store, config.brokerName(), storeHost, port, clock));
        DispatchListener wake = pull.longPolling();
        dispatch.target((topic, queueId, maxOffset, tagCode, record) -> {
            // Every message the store took counts as a put, as RocketMQ's store counts them: a client's, a delayed
            // one delivered, a transaction's, a retry, a slave's by replication. What recovery re-dispatched at open
            // came before this target, and is not counted again.
            stats.stored(record.remaining());
            wake.onDispatched(topic, queueId, maxOffset, tagCode, record);
        });

        SendProcessor send = new SendProcessor(config, topics, groups, store, server, stats, storeHost, port,
                delayed.router());
        register(new BusyStoreGuard(send, config, store::appendLockHeldMillis),
                config.sendOnIoThread() ? Runnable::run : sendPool,
                RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE);
        register(new ReplyProcessor(config, send, producers, server, address), replyPool,
                RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2);
        register(new BusyStoreGuard(new SendBackProcessor(config, topics, groups, store, delayed.router(), server), config,
                        store::appendLockHeldMillis), sendPool, RequestCode.CONSUMER_SEND_MSG_BACK);
        register(pull, pullPool, RequestCode.PULL_MESSAGE);
        ClientProcessor clientProcessor = new ClientProcessor(consumers, producers, groups, topics, clock, config);
        register(clientProcessor, heartbeatPool, RequestCode.HEART_BEAT);
        register(clientProcessor, clientPool, RequestCode.UNREGISTER_CLIENT, RequestCode.CHECK_CLIENT_CONFIG);
        register(clientProcessor, consumerPool, RequestCode.GET_CONSUMER_LIST_BY_GROUP);
        register(new ProducerConnectionProcessor(producers), adminPool, RequestCode.GET_PRODUCER_CONNECTION_LIST,
                RequestCode.GET_ALL_PRODUCER_INFO);
        register(new LockProcessor(new QueueLocks(clock, config::rebalanceLockMaxLiveTime)), adminPool,
                RequestCode.LOCK_BATCH_MQ, RequestCode.UNLOCK_BATCH_MQ);
        transactions = Transactions.open(config, store, offsets, producers, server, topics, clock, storeHost, port,
                delayed.router());
        register(transactions.endTransactionProcessor(), transactionPool, RequestCode.END_TRANSACTION);
        ScheduledExecutorService transactionChecks =
                Executors.newSingleThreadScheduledExecutor(new BrokerThreads("broker-transaction-check"));
        executors.add(transactionChecks);
        transactions.startChecking(transactionChecks);
        OffsetProcessor offsetProcessor = new OffsetProcessor(offsets, store);
        register(offsetProcessor, consumerPool, RequestCode.QUERY_CONSUMER_OFFSET, RequestCode.UPDATE_CONSUMER_OFFSET);
        register(offsetProcessor, adminPool, RequestCode.GET_MAX_OFFSET, RequestCode.GET_MIN_OFFSET,
                RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, RequestCode.GET_EARLIEST_MSG_STORETIME);
        register(new QueryProcessor(store, config), queryPool, RequestCode.QUERY_MESSAGE, RequestCode.VIEW_MESSAGE_BY_ID);
        register(new TopicAdminProcessor(config, topics, offsets, consumers, store, stats), adminPool,
                RequestCode.UPDATE_AND_CREATE_TOPIC, RequestCode.DELETE_TOPIC_IN_BROKER, RequestCode.GET_ALL_TOPIC_CONFIG,
                RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, RequestCode.GET_TOPIC_STATS_INFO,
                RequestCode.QUERY_TOPIC_CONSUME_BY_WHO);
        register(new GroupAdminProcessor(config, groups, consumers, offsets, topics, store, stats, address), adminPool,
                RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
                RequestCode.DELETE_SUBSCRIPTIONGROUP, RequestCode.GET_CONSUMER_CONNECTION_LIST, RequestCode.GET_CONSUME_STATS,
                RequestCode.GET_BROKER_CONSUME_STATS, RequestCode.CLONE_GROUP_OFFSET);
        register(new QueryConsumeQueueProcessor(store, consumers), adminPool, RequestCode.QUERY_CONSUME_QUEUE);
        register(new ConsumerCallProcessor(consumers, server, store, config.brokerName()), adminPool,
                RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.CONSUME_MESSAGE_DIRECTLY);
        SlaveMetadataSync metadataSync = config.isSlave()
                ? new SlaveMetadataSync(client, topics, groups, offsets, delayed.delayOffsets()) : null;
        register(new ConsumeQueueCleanProcessor(topics, store, metadataSync == null ? () -> true : metadataSync::syncTopics),
                adminPool,
                RequestCode.CLEAN_UNUSED_TOPIC, RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE);
        register(new ResetOffsetProcessor(config, topics, offsets, consumers, store, server), adminPool,
                RequestCode.INVOKE_BROKER_TO_RESET_OFFSET);
        register(new ConsumerStatusProcessor(consumers, server), adminPool, RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS);
        register(new StatsDataProcessor(stats), adminPool, RequestCode.VIEW_BROKER_STATS_DATA);
        register(new MetadataExportProcessor(offsets, delayed.delayOffsets()), adminPool,
                RequestCode.GET_ALL_CONSUMER_OFFSET, RequestCode.GET_ALL_DELAY_OFFSET);
        register(new BrokerAdminProcessor(config, topics, store, stats, Map.of(Pool.SEND, sendPool, Pool.PULL, pullPool,
                        Pool.QUERY, queryPool, Pool.END_TRANSACTION, transactionPool),
                        storeConfig.storePathCommitLog().toFile(), storeConfig.storePathConsumeQueue().toFile(),
                        new ReplicationInfo(replicator), delayed.delayOffsets(), configFile), adminPool,
                RequestCode.GET_BROKER_CONFIG, RequestCode.UPDATE_BROKER_CONFIG, RequestCode.GET_BROKER_RUNTIME_INFO,
                RequestCode.DELETE_EXPIRED_COMMITLOG);

        if (metadataSync != null) {
            registrar.onMaster((masterAddr, masterHaAddr) -> {
                metadataSync.masterAddress(masterAddr);
                replicator.masterAddress(masterHaAddr);
            });
            long every = config.slaveMetadataSyncInterval();
            // Its own thread: four calls of up to 3 s each must not hold up pull timeouts and offset persistence.
            ScheduledExecutorService syncThread =
                    Executors.newSingleThreadScheduledExecutor(new BrokerThreads("broker-slave-metadata-sync"));
            executors.add(syncThread);
            syncThread.scheduleWithFixedDelay(metadataSync::syncAll, Math.min(3000, every), every, TimeUnit.MILLISECONDS);
        }

        if (!config.isSlave()) {
            // A slave takes delivered messages with the master's CommitLog and its progress from GET_ALL_DELAY_OFFSET.
            delayed.start();
        }
        ScheduledExecutorService fastFailure =
                Executors.newSingleThreadScheduledExecutor(new BrokerThreads("broker-fast-failure"));
        executors.add(fastFailure);
        fastFailure.scheduleAtFixedRate(new FastFailure(config, Map.of(Pool.SEND, sendPool, Pool.PULL, pullPool,
                        Pool.HEARTBEAT, heartbeatPool, Pool.END_TRANSACTION, transactionPool), store::appendLockHeldMillis),
                FastFailure.PERIOD_MILLIS, FastFailure.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(stats::sample, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleAtFixedRate(slowConsumers, config.consumerFallbehindCheckInterval(),
                config.consumerFallbehindCheckInterval(), TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(this::persistOffsets, config.flushConsumerOffsetInterval(),
                config.flushConsumerOffsetInterval(), TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(() -> consumers.expire(config.channelExpiredTimeout()), 10, 10, TimeUnit.SECONDS);
        scheduler.scheduleAtFixedRate(() -> producers.expire(config.channelExpiredTimeout()), 10, 10, TimeUnit.SECONDS);
        if (!ephemeral) {
            server.start();
        }
        if (vipServer != null) {
            vipServer.start();
        }
        // Only once this broker holds its address: a second copy that cannot bind it must neither register over the
        // broker serving there nor, closing, unregister it from the name servers.
        serving = true;
        topics.onChange(registrar::registerAll);
        topics.onPut(registrar::registerTopic);
        if (config.fetchNamesrvAddrByAddressServer() && config.namesrvAddrs().isEmpty()) {
            NameServerAddressRefresh refresh = new NameServerAddressRefresh(config, AddressServer.fromSystemProperties(),
                    registrar::registerAll);
            refresh.run();
            scheduler.scheduleAtFixedRate(refresh, NameServerAddressRefresh.PERIOD_MILLIS,
                    NameServerAddressRefresh.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
        long period = Math.max(10_000, Math.min(config.registerNameServerPeriod(), 60_000));
        scheduler.scheduleAtFixedRate(registrar::registerAll, period, period, TimeUnit.MILLISECONDS);
        // The server is already up: a topic created by a request may have sent a round that this one waits behind.
        registrar.registerAll().get(NameServerRegistrar.longestWaitMillis(config), TimeUnit.MILLISECONDS);
        LOG.info("broker {} of cluster {} serving at {} (store {})", config.brokerName(), config.brokerClusterName(),
                address, storeConfig.storePathRootDir());
    }

    /** Replication settings from the broker's HA keys; with an ephemeral listen port the HA port is ephemeral too. */
    private ReplicationSettings haSettings() {
        return new ReplicationSettings(config.brokerRole(), config.bindAddress(),
                config.listenPort() == 0 ? 0 : config.haListenPort(), config.haMasterAddress(),
                config.haSendHeartbeatInterval(), config.haHousekeepingInterval(), config.haTransferBatchSize(),
                config.haSlaveFallbehindMax(), config.slaveTimeout(), config.haReconnectInterval(), clock);
    }

    /** This broker's replication (role, peers, progress). */
    public Replicator replicator() {
        return replicator;
    }

    /** The bound listen port. */
    public int port() {
        return server.port();
    }

    /** {@code brokerIP1:port}, as registered and written into every message. */
    public String address() {
        return address;
    }

    /** Unregisters, stops serving, persists consumer offsets and closes the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registrar != null && serving) {
            registrar.unregisterAll();
        }
        if (vipServer != null) {
            vipServer.close();
        }
        if (server != null) {
            server.close();
        }
        // Request threads finish what they hold (a send mid-append must not be interrupted); the scheduler's pending
        // tasks, held-pull timeouts included, are dropped: their connections are gone with the server.
        for (ExecutorService executor : executors) {
            if (executor instanceof ScheduledExecutorService) {
                executor.shutdownNow();
            } else {
                executor.shutdown();
            }
        }
        for (ExecutorService executor : executors) {
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("request threads did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executors.clear();
        if (transactions != null) {
            transactions.saveProgress();
        }
        if (offsets != null) {
            persistOffsets();
        }
        if (delayed != null) {
            delayed.close();
        }
        if (replicator != null) {
            replicator.close();
        }
        if (store != null) {
            store.close();
        }
        if (client != null) {
            client.close();
        }
        LOG.info("broker {} stopped", config.brokerName());
    }

    private void persistOffsets() {
        try {
            offsets.persistIfChanged();
        } catch (Exception e) {
            LOG.error("could not persist consumer offsets", e);
        }
    }

    private RequestPool pool(String name, Pool pool) {
        return pool(name, config.threads(pool), config.queueCapacity(pool));
    }

    private RequestPool pool(String name, int threads, int capacity) {
        RequestPool pool = BrokerThreads.pool(name, threads, capacity, clock);
        executors.add(pool);
        return pool;
    }

    private void register(RequestProcessor processor, Executor executor, int... codes) {
        for (int code : codes) {
            server.registerProcessor(code, processor, executor);
            if (vipServer != null) {
                vipServer.registerProcessor(code, processor, executor);
            }
        }
    }
}
