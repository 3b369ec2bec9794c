package dev.sluice.broker.admin;

import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (mqadmin getConsumerStatus): asks every online member of the group, or only
 * the one {@code clientAddr} names, for its offsets of the topic (GET_CONSUMER_STATUS_FROM_CLIENT) and answers with
 * them all by client id. As in RocketMQ, a member that refuses, fails or does not answer in time is left out. The
 * members are asked at once and the asker answered when the last one is done, so no admin thread waits.
 */
public final class ConsumerStatusProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerStatusProcessor.class);
    /** How long RocketMQ's broker gives each client to answer. */
    private static final long CLIENT_TIMEOUT_MILLIS = 5000;

    private final ConsumerRegistry consumers;
    private final RemotingServer server;

    public ConsumerStatusProcessor(ConsumerRegistry consumers, RemotingServer server) {
        this.consumers = consumers;
        this.server = server;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request)
            throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        String group = request.requireExtField("group");
        String only = request.extField("clientAddr");
        ConsumerGroup members = consumers.group(group);
        List<ClientChannel> online = members == null ? List.of()
                : members.members().stream().filter(m -> m.connection().isActive()).toList();
        if (online.isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "No Any Consumer online in the consumer group: [" + group + "]");
        }
        Map<String, Object> byClient = new TreeMap<>();
        List<CompletableFuture<?>> asked = new ArrayList<>();
        for (ClientChannel member : online) {
            if (only != null && !only.isBlank() && !only.equals(member.clientId())) {
                continue;
            }
            RemotingCommand ask = RemotingCommand.request(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT)
                    .putExtField("topic", topic).putExtField("group", group);
            if (only != null) {
                ask.putExtField("clientAddr", only);
            }
            asked.add(server.invokeAsync(member.connection(), ask, CLIENT_TIMEOUT_MILLIS).handle((answer, error) -> {
                Map<Object, Object> offsets = offsets(member.clientId(), answer, error);
                if (offsets != null) {
                    synchronized (byClient) {
                        byClient.put(member.clientId(), offsets);
                    }
                }
                return null;
            }));
        }
        CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            synchronized (byClient) {
                body.put("consumerTable", new TreeMap<>(byClient));
            }
            body.put("messageQueueTable", Map.of());
            server.respond(connection, RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                    .setBody(Json.writeBytes(body)));
        });
        return null;
    }

    /** The client's {@code messageQueueTable}, keys turned back into MessageQueue objects; null to leave it out. */
    private static Map<Object, Object> offsets(String clientId, RemotingCommand answer, Throwable error) {
        if (error != null || answer.code() != ResponseCode.SUCCESS || answer.body() == null) {
            LOG.info("consumer {} gave no status: {}", clientId,
                    error != null ? error.toString() : answer.code() + " " + answer.remark());
            return null;
        }
        try {
            Object table = Json.parseObject(answer.body()).get("messageQueueTable");
            Map<Object, Object> offsets = new LinkedHashMap<>();
            if (table != null) {
                // a MessageQueue key arrives as its JSON text
                for (Map.Entry<String, Object> e : Json.asObject(table, "messageQueueTable").entrySet()) {
                    offsets.put(Json.parseObject(e.getKey().getBytes(StandardCharsets.UTF_8)),
                            Json.asLong(e.getValue(), "offset"));
                }
            }
            return offsets;
        } catch (JsonException e) {
            LOG.info("consumer {} sent a status that is not GetConsumerStatusBody: {}", clientId, e.getMessage());
            return null;
        }
    }
}
