package dev.sluice.broker.send;

import dev.sluice.broker.client.ProducerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.MessageProperties;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SEND_REPLY_MESSAGE and SEND_REPLY_MESSAGE_V2, RocketMQ's request-reply: a consumer's reply to a request message
 * (DefaultMQProducer.request) is pushed to the producer that sent the request, found by the REPLY_TO_CLIENT property
 * among this broker's producer connections (PUSH_REPLY_MESSAGE_TO_CLIENT), then stored on the reply topic when
 * storeReplyMessageEnable is set. As in RocketMQ, the replier is told whether the push worked: a requester that is
 * gone or does not answer makes the reply fail with SYSTEM_ERROR even though it was stored.
 */
public final class ReplyProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyProcessor.class);
    private static final String REPLY_TO_CLIENT = "REPLY_TO_CLIENT";
    private static final String PUSH_REPLY_TIME = "PUSH_REPLY_TIME";
    /** How long RocketMQ's broker gives a client to take a call. */
    private static final long CLIENT_TIMEOUT_MILLIS = 10_000;

    private final BrokerConfig config;
    private final SendProcessor send;
    private final ProducerRegistry producers;
    private final RemotingServer server;
    private final String storeHost;

    /** @param storeHost this broker's {@code ip:port}, as the requester is told where the reply was stored */
    public ReplyProcessor(BrokerConfig config, SendProcessor send, ProducerRegistry producers, RemotingServer server,
                          String storeHost) {
        this.config = config;
        this.send = send;
        this.producers = producers;
        this.server = server;
        this.storeHost = storeHost;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        SendRequest header = SendRequest.of(request);
        RemotingCommand refused = send.response(request);
        String refusal = send.check(header, refused);
        if (refusal != null) {
            refused.setRemark(refusal);
            return refused;
        }
        push(connection, header, request).whenComplete((failure, error) -> {
            String pushFailure = error != null ? "push reply message failed: " + error : failure;
            try {
                if (!config.storeReplyMessageEnable()) {
                    server.respond(connection, answer(request, header, pushFailure, null));
                    return;
                }
                RemotingCommand stored = send.store(connection, request,
                        (c, later) -> server.respond(c, answer(request, header, pushFailure, later)));
                if (stored != null) {
                    server.respond(connection, answer(request, header, pushFailure, stored));
                }
            } catch (Exception e) {
                LOG.warn("storing a reply failed", e);
                server.respond(connection, answer(request, header, pushFailure, null));
            }
        });
        return null;
    }

    /** Completes with null when the requester took the reply, else with why not. */
    private CompletableFuture<String> push(RemotingConnection replier, SendRequest header, RemotingCommand request) {
        Map<String, String> properties = MessageProperties.decode(header.properties() == null ? "" : header.properties());
        String requester = properties.get(REPLY_TO_CLIENT);
        if (requester == null) {
            return CompletableFuture.completedFuture("reply message properties[" + REPLY_TO_CLIENT + "] is null");
        }
        Optional<RemotingConnection> to = producers.byClientId(requester);
        if (to.isEmpty()) {
            return CompletableFuture.completedFuture("push reply message fail, channel of <" + requester + "> not found.");
        }
        properties.put(PUSH_REPLY_TIME, String.valueOf(System.currentTimeMillis()));
        RemotingCommand push = RemotingCommand.request(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT)
                .putExtField("producerGroup", header.producerGroup())
                .putExtField("topic", header.topic())
                .putExtField("defaultTopic", header.defaultTopic())
                .putExtField("defaultTopicQueueNums", header.defaultTopicQueueNums())
                .putExtField("queueId", header.queueId())
                .putExtField("sysFlag", header.sysFlag())
                .putExtField("bornTimestamp", header.bornTimestamp())
                .putExtField("flag", header.flag())
                .putExtField("properties", MessageProperties.encode(properties))
                .putExtField("reconsumeTimes", header.reconsumeTimes())
                .putExtField("unitMode", false)
                .putExtField("bornHost", replier.remoteAddress())
                .putExtField("storeHost", storeHost)
                .putExtField("storeTimestamp", System.currentTimeMillis())
                .setBody(request.body() == null ? new byte[0] : request.body());
        return server.invokeAsync(to.get(), push, CLIENT_TIMEOUT_MILLIS).handle((answer, error) -> {
            if (error != null) {
                LOG.warn("push of a reply to <{}> failed: {}", requester, error.toString());
                return "push reply message to " + requester + " fail.";
            }
            if (answer.code() != ResponseCode.SUCCESS) {
                LOG.warn("push of a reply to <{}> refused: {} {}", requester, answer.code(), answer.remark());
                return "push reply message to " + requester + " fail.";
            }
            return null;
        });
    }

    /**
     * What the replier is told: SYSTEM_ERROR when the push failed; otherwise SUCCESS with where the reply was stored,
     * or msgId "0" when it was not (the field the client parses must not be empty).
     */
    private RemotingCommand answer(RemotingCommand request, SendRequest header, String pushFailure, RemotingCommand stored) {
        RemotingCommand response = send.response(request);
        if (pushFailure != null) {
            response.setCode(ResponseCode.SYSTEM_ERROR);
            response.setRemark(pushFailure);
            return response;
        }
        boolean storedOk = stored != null && switch (stored.code()) {
            case ResponseCode.SUCCESS, ResponseCode.FLUSH_DISK_TIMEOUT, ResponseCode.FLUSH_SLAVE_TIMEOUT,
                    ResponseCode.SLAVE_NOT_AVAILABLE -> true;
            default -> false;
        };
        if (stored != null && !storedOk) {
            LOG.warn("a pushed reply was not stored: {} {}", stored.code(), stored.remark());
        }
        response.putExtField("msgId", storedOk ? stored.extField("msgId") : "0");
        response.putExtField("queueId", storedOk ? stored.extField("queueId") : String.valueOf(Math.max(0, header.queueId())));
        response.putExtField("queueOffset", storedOk ? stored.extField("queueOffset") : "0");
        return response;
    }
}
