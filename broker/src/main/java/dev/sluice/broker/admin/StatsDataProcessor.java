package dev.sluice.broker.admin;

import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.util.Map;
import java.util.Optional;

/**
 * VIEW_BROKER_STATS_DATA (mqadmin statsAll): one named stat for one key over the last minute, hour and day, as
 * RocketMQ's BrokerStatsData. A name or key the broker has counted nothing under gets RocketMQ's SYSTEM_ERROR.
 */
public final class StatsDataProcessor implements RequestProcessor {
    private final BrokerStats stats;

    public StatsDataProcessor(BrokerStats stats) {
        this.stats = stats;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request)
            throws RemotingCommandException {
        String name = request.requireExtField("statsName");
        String key = request.requireExtField("statsKey");
        Optional<Map<String, Object>> data = stats.statsData(name, key);
        if (data.isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    String.format("The stats <%s> <%s> not exist", name, key));
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(Json.writeBytes(data.get()));
    }
}
