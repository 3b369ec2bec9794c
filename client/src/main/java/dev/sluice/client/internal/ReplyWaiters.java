package dev.sluice.client.internal;

import dev.sluice.client.MessageProperty;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.ResponseCode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests waiting for their replies (RocketMQ's request-reply), by correlation id, and the handler of
 * PUSH_REPLY_MESSAGE_TO_CLIENT, with which a broker hands this client a reply.
 */
public final class ReplyWaiters {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyWaiters.class);

    private final Map<String, CompletableFuture<ReceivedMessage>> waiting = new ConcurrentHashMap<>();

    /** Completes with the reply that carries {@code correlationId}, or with a TimeoutException after the timeout. */
    public CompletableFuture<ReceivedMessage> await(String correlationId, long timeoutMillis) {
        CompletableFuture<ReceivedMessage> reply = new CompletableFuture<>();
        waiting.put(correlationId, reply);
        reply.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> waiting.remove(correlationId, reply));
        return reply;
    }

    /** PUSH_REPLY_MESSAGE_TO_CLIENT: a reply nobody waits for any more (it came too late) is logged and dropped. */
    RemotingCommand pushed(String from, RemotingCommand push) throws RemotingCommandException {
        ReceivedMessage reply = decode(push);
        String correlationId = reply.property(MessageProperty.CORRELATION_ID);
        CompletableFuture<ReceivedMessage> request = correlationId == null ? null : waiting.remove(correlationId);
        if (request != null) {
            request.complete(reply);
        } else {
            LOG.warn("a reply from {} matches no waiting request (correlation id {})", from, correlationId);
        }
        return RemotingCommand.responseTo(push, ResponseCode.SUCCESS, null);
    }

    /** The reply as ReplyMessageRequestHeader and body carry it; where it was stored is not part of them. */
    private static ReceivedMessage decode(RemotingCommand push) throws RemotingCommandException {
        int sysFlag = (int) push.requireLongExtField("sysFlag");
        byte[] body = push.body() == null ? new byte[0] : push.body();
        if ((sysFlag & BodyCompression.COMPRESSED_FLAG) != 0) {
            try {
                body = BodyCompression.decompress(body, sysFlag);
            } catch (DataFormatException e) {
                throw new RemotingCommandException("reply body does not decompress: " + e.getMessage(), e);
            }
        }
        String properties = push.extField("properties");
        String reconsumeTimes = push.extField("reconsumeTimes");
        return new ReceivedMessage(push.requireExtField("topic"), null, (int) push.requireLongExtField("queueId"), -1, -1,
                sysFlag, (int) push.requireLongExtField("flag"), push.requireLongExtField("bornTimestamp"),
                push.requireExtField("bornHost"), push.requireLongExtField("storeTimestamp"),
                push.requireExtField("storeHost"), reconsumeTimes == null ? 0 : (int) push.requireLongExtField("reconsumeTimes"), 0,
                properties == null ? Map.of() : MessageProperties.decode(properties), body, null);
    }
}
