package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker re-registers every registerNameServerPeriod (clamped to 10..60 s as in RocketMQ, so the shortest, 10 s,
 * is used), without any topic change: a name server that stops hearing from a broker for 120 s drops it. A stand-in
 * name server records when each REGISTER_BROKER arrives.
 */
class RegistrationPeriodTest {
    @TempDir
    Path home;

    @Test
    void registersAgainEveryPeriod() throws Exception {
        List<Long> registrations = new CopyOnWriteArrayList<>();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        NettyRemotingServer namesrv = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1").listenPort(0));
        namesrv.registerProcessor(RequestCode.REGISTER_BROKER, (connection, request) -> {
            registrations.add(System.nanoTime());
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, executor);
        namesrv.registerProcessor(RequestCode.UNREGISTER_BROKER,
                (connection, request) -> RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null), executor);
        namesrv.start();
        try {
            Properties p = new Properties();
            p.setProperty("brokerName", "period-a");
            p.setProperty("brokerIP1", "127.0.0.1");
            p.setProperty("bindAddress", "127.0.0.1");
            p.setProperty("listenPort", "0");
            p.setProperty("namesrvAddr", "127.0.0.1:" + namesrv.port());
            p.setProperty("registerNameServerPeriod", "10000");
            p.setProperty("storePathRootDir", home.resolve("store").toString());
            p.setProperty("mappedFileSizeCommitLog", String.valueOf(1024 * 1024));
            try (Broker broker = new Broker(BrokerConfig.fromProperties(p, new ArrayList<>()))) {
                broker.start();
                assertEquals(1, registrations.size(), "start registers once and waits for the answer");
                Deadline.await("a second registration", Duration.ofSeconds(15), () -> registrations.size() >= 2);
                long gapMillis = (registrations.get(1) - registrations.get(0)) / 1_000_000;
                assertTrue(gapMillis >= 9_000, "one period apart, not a burst: " + gapMillis + " ms");
            }
        } finally {
            namesrv.close();
            executor.shutdownNow();
        }
    }
}
