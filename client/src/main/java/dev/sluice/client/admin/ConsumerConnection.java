package dev.sluice.client.admin;

import java.util.List;
import java.util.SortedMap;

/**
 * The live members of a consumer group as one broker sees them (GET_CONSUMER_CONNECTION_LIST).
 *
 * @param subscriptions topic → subscription expression
 */
public record ConsumerConnection(List<Connection> connections, String consumeType, String messageModel,
                                 String consumeFromWhere, SortedMap<String, String> subscriptions) {
    public ConsumerConnection {
        connections = List.copyOf(connections);
    }

    /** One client connection: its id, remote address, language and protocol version. */
    public record Connection(String clientId, String clientAddr, String language, int version) {
    }
}
