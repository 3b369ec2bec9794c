package dev.sluice.broker.ha;

import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.schedule.DelayOffsetTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;

/**
 * What a slave copies from its master besides the CommitLog (spec §15): GET_ALL_CONSUMER_OFFSET and
 * GET_ALL_DELAY_OFFSET. (Topics and groups are served by the admin processors.)
 */
public final class MetadataExportProcessor implements RequestProcessor {
    private final ConsumerOffsetTable offsets;
    private final DelayOffsetTable delayOffsets;

    public MetadataExportProcessor(ConsumerOffsetTable offsets, DelayOffsetTable delayOffsets) {
        this.offsets = offsets;
        this.delayOffsets = delayOffsets;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        return switch (request.code()) {
            case RequestCode.GET_ALL_CONSUMER_OFFSET -> response.setBody(Json.writeBytes(offsets.toJson()));
            case RequestCode.GET_ALL_DELAY_OFFSET -> response.setBody(Json.writeBytes(delayOffsets.toJson()));
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }
}
