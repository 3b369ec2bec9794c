package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.BrokerCaller;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;

/** Where to start reading a queue: the stored offset, else the group's consume-from rule (spec §10.2). */
final class StartOffsets {
    private static final String RETRY_PREFIX = "%RETRY%";

    private StartOffsets() {
    }

    static long of(ClientRuntime runtime, MessageQueue queue, OffsetStore store, ConsumeFrom from, long timestampMillis)
            throws ClientException {
        long stored = store.read(queue);
        if (stored >= 0) {
            return stored;
        }
        boolean retryTopic = queue.topic().startsWith(RETRY_PREFIX);
        return switch (from) {
            case FIRST_OFFSET -> 0;
            case LAST_OFFSET -> retryTopic ? 0 : maxOffset(runtime, queue);
            case TIMESTAMP -> retryTopic ? maxOffset(runtime, queue) : searchOffset(runtime, queue, timestampMillis);
        };
    }

    static long maxOffset(ClientRuntime runtime, MessageQueue queue) throws ClientException {
        return offsetCall(runtime, queue, RemotingCommand.request(RequestCode.GET_MAX_OFFSET), "the max offset");
    }

    static long minOffset(ClientRuntime runtime, MessageQueue queue) throws ClientException {
        return offsetCall(runtime, queue, RemotingCommand.request(RequestCode.GET_MIN_OFFSET), "the min offset");
    }

    static long searchOffset(ClientRuntime runtime, MessageQueue queue, long timestampMillis) throws ClientException {
        return offsetCall(runtime, queue, RemotingCommand.request(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP)
                .putExtField("timestamp", timestampMillis), "the offset at time " + timestampMillis);
    }

    private static long offsetCall(ClientRuntime runtime, MessageQueue queue, RemotingCommand request, String what)
            throws ClientException {
        String address = runtime.masterAddress(queue.topic(), queue.brokerName());
        request.putExtField("topic", queue.topic()).putExtField("queueId", queue.queueId())
                .putExtField("bname", queue.brokerName());
        RemotingCommand response = runtime.brokers().call(queue.brokerName(), address, request, runtime.timeoutMillis());
        if (response.code() != ResponseCode.SUCCESS || response.extField("offset") == null) {
            throw BrokerCaller.refused("asking " + what + " of " + queue, queue.brokerName(), address, response);
        }
        return Long.parseLong(response.extField("offset"));
    }
}
