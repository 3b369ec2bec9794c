package dev.sluice.broker.admin;

import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.send.MessageIds;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RemotingTimeoutException;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.MessageStore;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Requests only a consumer can answer, which the broker relays to it over the connection it heartbeats on, as
 * RocketMQ's does: GET_CONSUMER_RUNNING_INFO (mqadmin consumerStatus) and CONSUME_MESSAGE_DIRECTLY (mqadmin
 * queryMsgById -g -d), for which the broker first puts the stored message in the body. The asker is answered later,
 * from the client's answer, so an admin thread never waits on a slow client.
 */
public final class ConsumerCallProcessor implements RequestProcessor {
    /** How long RocketMQ's broker gives a client to answer. */
    private static final long CLIENT_TIMEOUT_MILLIS = 10_000;

    private final ConsumerRegistry consumers;
    private final RemotingServer server;
    private final MessageStore store;
    private final String brokerName;

    public ConsumerCallProcessor(ConsumerRegistry consumers, RemotingServer server, MessageStore store, String brokerName) {
        this.consumers = consumers;
        this.server = server;
        this.store = store;
        this.brokerName = brokerName;
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
        RemotingCommand ask = RemotingCommand.request(request.code());
        request.extFields().forEach(ask::putExtField);
        if (request.code() == RequestCode.CONSUME_MESSAGE_DIRECTLY) {
            String msgId = request.requireExtField("msgId");
            Optional<ByteBuffer> message;
            try {
                message = store.lookup(MessageIds.commitLogOffset(msgId));
            } catch (IllegalArgumentException e) {
                return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, e.getMessage());
            }
            if (message.isEmpty()) {
                return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "no stored message " + msgId);
            }
            byte[] body = new byte[message.get().remaining()];
            message.get().duplicate().get(body);
            ask.putExtField("brokerName", brokerName).setBody(body);
        } else {
            ask.setBody(request.body());
        }
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
