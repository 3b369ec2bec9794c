package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageProperty;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.client.internal.MessageDecoder;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Builds PULL_MESSAGE requests, sends them to the right member of the broker group and decodes the answer. */
final class Puller {
    static final int FLAG_COMMIT_OFFSET = 0x1;
    static final int FLAG_SUSPEND = 0x2;
    static final int FLAG_SUBSCRIPTION = 0x4;
    static final int FLAG_LITE_PULL = 0x10;
    /** How long the broker may hold a pull with nothing new; the call itself may take this plus a margin. */
    static final long SUSPEND_MILLIS = 15_000;
    private static final long CALL_TIMEOUT_MILLIS = 30_000;

    private final ClientRuntime runtime;
    private final String group;

    Puller(ClientRuntime runtime, String group) {
        this.runtime = runtime;
        this.group = group;
    }

    /**
     * Pulls from the group member {@code suggestedBrokerId} points at (a slave when the master is away). The commit
     * offset only travels to a master. With {@code withSubscription} the broker filters by the header's expression
     * instead of the one the group registered by heartbeat.
     */
    CompletableFuture<PullResult> pull(MessageQueue queue, long offset, int maxMessages, Subscription subscription,
            boolean withSubscription, long commitOffset, long suggestedBrokerId, long suspendMillis, int extraFlags) {
        BrokerData broker;
        try {
            broker = runtime.routes().route(queue.topic()).brokers().get(queue.brokerName());
        } catch (ClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        String address = broker == null ? null : broker.addressForRead(suggestedBrokerId);
        if (address == null) {
            return CompletableFuture.failedFuture(new ClientException("broker group " + queue.brokerName() + " of "
                    + queue.topic() + " has no address in the current route"));
        }
        boolean toMaster = address.equals(broker.masterAddress());
        int sysFlag = extraFlags | (suspendMillis > 0 ? FLAG_SUSPEND : 0);
        if (commitOffset > 0 && toMaster) {
            sysFlag |= FLAG_COMMIT_OFFSET;
        }
        if (withSubscription) {
            sysFlag |= FLAG_SUBSCRIPTION;
        }
        RemotingCommand request = RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .putExtField("consumerGroup", group)
                .putExtField("topic", queue.topic())
                .putExtField("queueId", queue.queueId())
                .putExtField("queueOffset", offset)
                .putExtField("maxMsgNums", maxMessages)
                .putExtField("sysFlag", sysFlag)
                .putExtField("commitOffset", (sysFlag & FLAG_COMMIT_OFFSET) != 0 ? commitOffset : 0)
                .putExtField("suspendTimeoutMillis", suspendMillis)
                .putExtField("subscription", withSubscription ? subscription.expression().expression() : null)
                .putExtField("subVersion", subscription.version())
                .putExtField("expressionType", subscription.expression().type())
                .putExtField("bname", queue.brokerName());
        long timeout = suspendMillis > 0 ? CALL_TIMEOUT_MILLIS : runtime.timeoutMillis() + 10_000;
        return runtime.brokers().callAsync(queue.brokerName(), address, request, timeout)
                .thenApply(response -> decode(queue, address, response, subscription));
    }

    private static PullResult decode(MessageQueue queue, String address, RemotingCommand response, Subscription subscription) {
        int code = response.code();
        if (code != ResponseCode.SUCCESS && code != ResponseCode.PULL_NOT_FOUND
                && code != ResponseCode.PULL_RETRY_IMMEDIATELY && code != ResponseCode.PULL_OFFSET_MOVED) {
            return new PullResult(code, response.remark(), -1, -1, -1, 0, List.of(), new long[0]);
        }
        long next = longField(response, "nextBeginOffset", queue, address);
        long min = longField(response, "minOffset", queue, address);
        long max = longField(response, "maxOffset", queue, address);
        long suggest = longField(response, "suggestWhichBrokerId", queue, address);
        List<ReceivedMessage> wanted = new ArrayList<>();
        if (code == ResponseCode.SUCCESS && response.body() != null) {
            for (ReceivedMessage message : MessageDecoder.decodeAll(response.body(), queue.brokerName())) {
                if (subscription.expression().matches(message.tags())) {
                    wanted.add(withQueueBounds(message, min, max));
                }
            }
        }
        long[] offsets = new long[wanted.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = wanted.get(i).queueOffset();
        }
        return new PullResult(code, response.remark(), next, min, max, suggest, wanted, offsets);
    }

    private static ReceivedMessage withQueueBounds(ReceivedMessage m, long min, long max) {
        var properties = new HashMap<>(m.properties());
        properties.put(MessageProperty.MIN_OFFSET, Long.toString(min));
        properties.put(MessageProperty.MAX_OFFSET, Long.toString(max));
        return new ReceivedMessage(m.topic(), m.brokerName(), m.queueId(), m.queueOffset(), m.commitLogOffset(),
                m.sysFlag(), m.flag(), m.bornTimestamp(), m.bornHost(), m.storeTimestamp(), m.storeHost(),
                m.reconsumeTimes(), m.preparedTransactionOffset(), Map.copyOf(properties), m.body(),
                m.offsetMsgId());
    }

    private static long longField(RemotingCommand response, String name, MessageQueue queue, String address) {
        String value = response.extField(name);
        if (value == null) {
            throw new CompletionException(new ClientException("broker at " + address + " answered a pull of " + queue
                    + " without " + name));
        }
        return Long.parseLong(value);
    }
}
