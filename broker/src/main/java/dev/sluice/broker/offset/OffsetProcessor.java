package dev.sluice.broker.offset;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.MessageStore;

/**
 * Consumer offsets (QUERY/UPDATE_CONSUMER_OFFSET) and queue offsets (GET_MAX_OFFSET, GET_MIN_OFFSET,
 * SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME).
 */
public final class OffsetProcessor implements RequestProcessor {
    private final ConsumerOffsetTable offsets;
    private final MessageStore store;

    public OffsetProcessor(ConsumerOffsetTable offsets, MessageStore store) {
        this.offsets = offsets;
        this.store = store;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        String topic = request.requireExtField("topic");
        int queueId = (int) request.requireLongExtField("queueId");
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        switch (request.code()) {
            case RequestCode.QUERY_CONSUMER_OFFSET -> {
                long offset = offsets.query(request.requireExtField("consumerGroup"), topic, queueId);
                if (offset < 0 && store.minQueueOffset(topic, queueId) <= 0) {
                    // A young queue (never trimmed by retention) is consumed from its start by a new group.
                    offset = 0;
                }
                if (offset < 0) {
                    response.setCode(ResponseCode.QUERY_NOT_FOUND);
                    response.setRemark("Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
                } else {
                    response.putExtField("offset", offset);
                }
            }
            case RequestCode.UPDATE_CONSUMER_OFFSET -> offsets.commit(request.requireExtField("consumerGroup"), topic, queueId,
                    request.requireLongExtField("commitOffset"));
            case RequestCode.GET_MAX_OFFSET -> response.putExtField("offset", store.maxQueueOffset(topic, queueId));
            case RequestCode.GET_MIN_OFFSET -> response.putExtField("offset", store.minQueueOffset(topic, queueId));
            case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP -> response.putExtField("offset",
                    store.queueOffsetByTime(topic, queueId, request.requireLongExtField("timestamp")));
            case RequestCode.GET_EARLIEST_MSG_STORETIME -> response.putExtField("timestamp",
                    store.storeTimeAt(topic, queueId, store.minQueueOffset(topic, queueId)));
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        }
        return response;
    }
}
