package dev.sluice.broker.admin;

import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RemotingTimeoutException;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import java.util.concurrent.CompletionException;

/**
 * GET_CONSUMER_RUNNING_INFO (mqadmin consumerStatus): only the consumer knows its running state, so the broker asks
 * it over the connection it heartbeats on, as RocketMQ's does, and relays the answer. The asker is answered later,
 * from the client's answer, so an admin thread never waits on a slow client.
 */
public final class ConsumerRunningInfoProcessor implements RequestProcessor {
    /** How long RocketMQ's broker gives a client to answer. */
    private static final long CLIENT_TIMEOUT_MILLIS = 10_000;

    private final ConsumerRegistry consumers;
    private final RemotingServer server;

    public ConsumerRunningInfoProcessor(ConsumerRegistry consumers, RemotingServer server) {
        this.consumers = consumers;
        this.server = server;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request)
            throws RemotingCommandException {
        String group = request.requireExtField("consumerGroup");
        String clientId = request.requireExtField("clientId");
        ConsumerGroup members = consumers.group(group);
        ClientChannel member = members == null ? null : members.members().stream()
                .filter(m -> m.clientId().equals(clientId) && m.connection().isActive()).findFirst().orElse(null);
        if (member == null) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    String.format("The Consumer <%s> <%s> not online", group, clientId));
        }
        RemotingCommand ask = RemotingCommand.request(RequestCode.GET_CONSUMER_RUNNING_INFO).setBody(request.body());
        request.extFields().forEach(ask::putExtField);
        server.invokeAsync(member.connection(), ask, CLIENT_TIMEOUT_MILLIS).whenComplete((answer, error) ->
                server.respond(connection, relay(request, answer, error, group, clientId)));
        return null;
    }

    private static RemotingCommand relay(RemotingCommand request, RemotingCommand answer, Throwable error,
            String group, String clientId) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RemotingTimeoutException) {
            return RemotingCommand.responseTo(request, ResponseCode.CONSUME_MSG_TIMEOUT,
                    String.format("consumer <%s> <%s> Timeout: %s", group, clientId, cause.getMessage()));
        }
        if (cause != null) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    String.format("invoke consumer <%s> <%s> Exception: %s", group, clientId, cause));
        }
        RemotingCommand relayed = RemotingCommand.responseTo(request, answer.code(), answer.remark()).setBody(answer.body());
        answer.extFields().forEach(relayed::putExtField);
        return relayed;
    }
}
