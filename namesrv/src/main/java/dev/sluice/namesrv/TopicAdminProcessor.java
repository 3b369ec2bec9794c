package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operator changes to routes: deleting a topic, taking a broker's write permission away or giving it back. */
final class TopicAdminProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdminProcessor.class);

    private final RouteRegistry registry;

    TopicAdminProcessor(RouteRegistry registry) {
        this.registry = registry;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        return switch (request.code()) {
            case RequestCode.DELETE_TOPIC_IN_NAMESRV -> deleteTopic(connection, request);
            case RequestCode.WIPE_WRITE_PERM_OF_BROKER -> writePermission(connection, request, false, "wipeTopicCount");
            case RequestCode.ADD_WRITE_PERM_OF_BROKER -> writePermission(connection, request, true, "addTopicCount");
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand deleteTopic(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        String cluster = request.extField("clusterName");
        registry.deleteTopic(topic, cluster);
        LOG.info("topic {} deleted{} on request of {}", topic, cluster == null ? "" : " from cluster " + cluster,
                connection.remoteAddress());
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }

    private RemotingCommand writePermission(RemotingConnection connection, RemotingCommand request, boolean writable,
            String countField) throws RemotingCommandException {
        String brokerName = request.requireExtField("brokerName");
        int count = registry.setWritePermission(brokerName, writable);
        LOG.info("write permission of broker {} {} on {} topics, on request of {}", brokerName,
                writable ? "restored" : "wiped", count, connection.remoteAddress());
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).putExtField(countField, count);
    }
}
