package dev.sluice.broker.client;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingConnection;

/** One client connection of a group: who it is and when it last sent a heartbeat. */
public record ClientChannel(RemotingConnection connection, String clientId, LanguageCode language, int version,
                            long lastUpdateMillis) {
}
