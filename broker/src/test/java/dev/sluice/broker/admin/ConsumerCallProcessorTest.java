package dev.sluice.broker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.broker.StubRemotingServer;
import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingTimeoutException;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the asker is told when the consumer a request is relayed to fails to answer (ConsumerCallTest has the rest). */
class ConsumerCallProcessorTest {
    private final List<RemotingCommand> answers = new ArrayList<>();
    private final List<Long> timeouts = new ArrayList<>();
    private Throwable clientFailure;

    private final StubRemotingServer server = new StubRemotingServer() {
        @Override
        public CompletableFuture<RemotingCommand> invokeAsync(RemotingConnection connection, RemotingCommand request,
                                                              long timeoutMillis) {
            timeouts.add(timeoutMillis);
            return CompletableFuture.failedFuture(clientFailure);
        }

        @Override
        public void respond(RemotingConnection connection, RemotingCommand response) {
            answers.add(response);
        }
    };

    private RemotingCommand relayFailing(Throwable failure) throws Exception {
        clientFailure = failure;
        ConsumerRegistry consumers = new ConsumerRegistry(server, Clock.systemUTC(), group -> false);
        consumers.heartbeat("G", new ClientChannel(StubRemotingServer.connection(4000), "127.0.0.1@c", LanguageCode.JAVA,
                407, System.currentTimeMillis()), Map.of(), "CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_LAST_OFFSET");
        RemotingCommand ask = RemotingCommand.request(RequestCode.GET_CONSUMER_RUNNING_INFO)
                .putExtField("consumerGroup", "G").putExtField("clientId", "127.0.0.1@c").putExtField("jstackEnable", false);
        assertNull(new ConsumerCallProcessor(consumers, server, null, "broker-a")
                .process(StubRemotingServer.connection(5000), ask), "answered later, from the client's answer");
        assertEquals(List.of(10_000L), timeouts, "the client gets RocketMQ's 10 s");
        assertEquals(1, answers.size());
        RemotingCommand answer = answers.get(0);
        assertEquals(ask.opaque(), answer.opaque());
        return answer;
    }

    @Test
    void aConsumerThatDoesNotAnswerInTimeIsReportedAsATimeout() throws Exception {
        RemotingCommand answer = relayFailing(new RemotingTimeoutException("no answer in 10000 ms"));
        assertEquals(ResponseCode.CONSUME_MSG_TIMEOUT, answer.code());
        assertEquals("consumer <G> <127.0.0.1@c> Timeout: no answer in 10000 ms", answer.remark());
    }

    @Test
    void aConsumerThatCannotBeReachedIsASystemError() throws Exception {
        RemotingCommand answer = relayFailing(new IOException("connection reset"));
        assertEquals(ResponseCode.SYSTEM_ERROR, answer.code());
        assertEquals("invoke consumer <G> <127.0.0.1@c> Exception: java.io.IOException: connection reset", answer.remark());
    }
}
