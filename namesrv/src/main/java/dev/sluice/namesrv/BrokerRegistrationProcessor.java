package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import dev.sluice.remoting.log.LogLimit;
import java.time.Clock;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REGISTER_BROKER, UNREGISTER_BROKER and QUERY_DATA_VERSION: what brokers send to stay in the routes. */
final class BrokerRegistrationProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistrationProcessor.class);

    private final RouteRegistry registry;
    private final KvConfigStore kvConfig;
    private final Clock clock;
    /** A broker repeats the same topics every 30 s. */
    private final LogLimit skippedTopics = LogLimit.perMinute();

    BrokerRegistrationProcessor(RouteRegistry registry, KvConfigStore kvConfig, Clock clock) {
        this.registry = registry;
        this.kvConfig = kvConfig;
        this.clock = clock;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        return switch (request.code()) {
            case RequestCode.REGISTER_BROKER -> register(connection, request);
            case RequestCode.UNREGISTER_BROKER -> unregister(request);
            case RequestCode.QUERY_DATA_VERSION -> queryDataVersion(request);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand register(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        String brokerName = request.requireExtField("brokerName");
        String brokerAddr = request.requireExtField("brokerAddr");
        String clusterName = request.requireExtField("clusterName");
        String haServerAddr = request.requireExtField("haServerAddr");
        long brokerId = request.requireLongExtField("brokerId");
        byte[] body = request.body();
        int expectedCrc = parseCrc(request.extField("bodyCrc32"));
        if (expectedCrc != 0 && body != null && crc32(body) != expectedCrc) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "register body of " + brokerAddr + " does not match its bodyCrc32 " + expectedCrc);
        }
        RegisterBrokerBody.Content content;
        try {
            content = body == null
                    ? RegisterBrokerBody.EMPTY
                    : RegisterBrokerBody.parse(body, Boolean.parseBoolean(request.extField("compressed")));
        } catch (JsonException e) {
            throw new RemotingCommandException("bad register body from " + brokerAddr + ": " + e.getMessage(), e);
        }
        if (!content.skipped().isEmpty()) {
            String more = skippedTopics.next();
            if (more != null) {
                LOG.warn("broker {} registered topics left out of the routes: {}{}", brokerAddr,
                        String.join("; ", content.skipped()), more);
            }
        }
        RouteRegistry.RegisterResult result = registry.register(new BrokerRegistration(clusterName, brokerAddr, brokerName,
                brokerId, haServerAddr, content.dataVersion(), content.topicConfigs(), connection), clock.millis());

        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        response.putExtField("haServerAddr", result.haServerAddr());
        response.putExtField("masterAddr", result.masterAddr());
        kvConfig.namespace(NamesrvConfig.ORDER_TOPIC_NAMESPACE).ifPresent(table -> response.setBody(RouteBodies.kvTable(table)));
        return response;
    }

    private RemotingCommand unregister(RemotingCommand request) throws RemotingCommandException {
        registry.unregister(request.requireExtField("clusterName"), request.requireExtField("brokerAddr"),
                request.requireExtField("brokerName"), request.requireLongExtField("brokerId"));
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }

    private RemotingCommand queryDataVersion(RemotingCommand request) throws RemotingCommandException {
        String brokerAddr = request.requireExtField("brokerAddr");
        DataVersion offered;
        try {
            offered = RegisterBrokerBody.dataVersion(request.body() == null ? null : Json.parse(request.body()));
        } catch (JsonException e) {
            throw new RemotingCommandException("bad data version from " + brokerAddr + ": " + e.getMessage(), e);
        }
        RouteRegistry.DataVersionCheck check = registry.checkDataVersion(brokerAddr, offered, clock.millis());
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        response.putExtField("changed", check.changed());
        if (check.current() != null) {
            response.setBody(Json.writeBytes(check.current().toJson()));
        }
        return response;
    }

    private static int parseCrc(String value) throws RemotingCommandException {
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new RemotingCommandException("the custom field <bodyCrc32> is not an integer");
        }
    }

    /** Brokers send the CRC masked to a non-negative int. */
    private static int crc32(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return (int) (crc.getValue() & 0x7FFFFFFF);
    }
}
