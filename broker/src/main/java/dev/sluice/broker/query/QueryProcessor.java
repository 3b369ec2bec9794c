package dev.sluice.broker.query;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.KeyQueryResult;
import dev.sluice.store.MessageStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** QUERY_MESSAGE (by key, through the key index) and VIEW_MESSAGE_BY_ID (by CommitLog offset). */
public final class QueryProcessor implements RequestProcessor {
    /** Set by clients looking a message up by its id (the UNIQ_KEY the producer gave it). */
    private static final String UNIQUE_KEY_QUERY = "_UNIQUE_KEY_QUERY";

    private final MessageStore store;
    private final BrokerConfig config;

    public QueryProcessor(MessageStore store, BrokerConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        return switch (request.code()) {
            case RequestCode.QUERY_MESSAGE -> byKey(request);
            case RequestCode.VIEW_MESSAGE_BY_ID -> byOffset(request);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand byKey(RemotingCommand request) throws Exception {
        String topic = request.requireExtField("topic");
        String key = request.requireExtField("key");
        long asked = "true".equals(request.extField(UNIQUE_KEY_QUERY))
                ? config.defaultQueryMaxNum() : request.requireLongExtField("maxNum");
        if (asked <= 0) {
            return RemotingCommand.responseTo(request, ResponseCode.QUERY_NOT_FOUND,
                    "maxNum " + asked + " asks for no message");
        }
        int maxNum = (int) Math.min(config.maxMsgsNumBatch(), asked);
        long begin = request.requireLongExtField("beginTimestamp");
        long end = request.requireLongExtField("endTimestamp");
        KeyQueryResult found = store.queryByKey(topic, key, maxNum, begin, end);
        List<ByteBuffer> messages = new ArrayList<>();
        for (long offset : found.commitLogOffsets()) {
            store.lookup(offset).ifPresent(messages::add);
        }
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        response.putExtField("indexLastUpdateTimestamp", System.currentTimeMillis());
        response.putExtField("indexLastUpdatePhyoffset", store.maxCommitLogOffset());
        if (messages.isEmpty()) {
            response.setCode(ResponseCode.QUERY_NOT_FOUND);
            response.setRemark(found.indexEnabled() ? "can not find message, maybe time range not correct"
                    : "the key index is disabled (messageIndexEnable=false)");
            return response;
        }
        int length = 0;
        for (ByteBuffer m : messages) {
            length += m.remaining();
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        messages.forEach(m -> body.put(m.duplicate()));
        return response.setBody(body.array());
    }

    private RemotingCommand byOffset(RemotingCommand request) throws Exception {
        long offset = request.requireLongExtField("offset");
        Optional<ByteBuffer> message = store.lookup(offset);
        if (message.isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "can not find message by the offset, " + offset);
        }
        ByteBuffer record = message.get();
        byte[] body = new byte[record.remaining()];
        record.duplicate().get(body);
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(body);
    }
}
