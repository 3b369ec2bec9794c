package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker's port opens once it serves: a client never meets a broker that is still recovering its store. */
class StartupPortTest {
    @TempDir
    Path home;

    @Test
    void aClientThatConnectsDuringTheStartIsServedNeverToldItsRequestIsUnsupported() throws Exception {
        try (Cluster cluster = new Cluster(home);
                NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            int port = ConsumerFailoverTest.freePortPair();
            Properties props = cluster.brokerProperties("broker-startup");
            props.setProperty("listenPort", String.valueOf(port));
            fill(props);
            String address = "127.0.0.1:" + port;

            CompletableFuture<Broker> started = CompletableFuture.supplyAsync(() -> {
                try {
                    return cluster.startBroker(props);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Integer> answers = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!started.isDone()) {
                assertTrue(System.nanoTime() < deadline, "the broker did not start within 60 s");
                try {
                    answers.add(raw.invokeSync(address, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO),
                            1000).code());
                } catch (Exception refusedOrTimedOut) {
                    // not listening yet: what a client of a broker that is down sees, and retries elsewhere
                }
                try {
                    started.get(5, TimeUnit.MILLISECONDS); // a pause between probes, so they leave the start a core
                } catch (TimeoutException stillStarting) {
                    // probe again
                } catch (ExecutionException failed) {
                    break; // join below reports it
                }
            }
            started.join();
            assertTrue(answers.stream().noneMatch(code -> code == ResponseCode.REQUEST_CODE_NOT_SUPPORTED),
                    "answers while starting: " + answers);
            assertEquals(ResponseCode.SUCCESS,
                    raw.invokeSync(address, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO), 3000).code());
        }
    }

    /** Messages for the start to recover, so that it takes a while. */
    private static void fill(Properties props) throws Exception {
        StoreConfig config = StoreConfig.fromProperties(props);
        try (MessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            byte[] body = new byte[1024];
            for (int i = 0; i < 50_000; i++) {
                store.append(AppendRequest.of("StartupTopic", i % 4, body, "", 0L));
            }
        }
    }
}
