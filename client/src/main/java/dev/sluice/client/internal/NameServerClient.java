package dev.sluice.client.internal;

import dev.sluice.client.ClientException;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingException;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.JsonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Calls the name servers: the current one first, then each other one in turn when a call fails. */
public final class NameServerClient {
    private final RemotingClient remoting;
    private final NameServerList nameServers;
    private final long timeoutMillis;

    public NameServerClient(RemotingClient remoting, NameServerList nameServers, long timeoutMillis) {
        this.remoting = remoting;
        this.nameServers = nameServers;
        this.timeoutMillis = timeoutMillis;
    }

    public NameServerList nameServers() {
        return nameServers;
    }

    /**
     * The first response any name server gives (whatever its code). {@code request} is called once per attempt: a
     * command is not reused across connections.
     */
    public RemotingCommand invoke(Supplier<RemotingCommand> request) throws ClientException {
        List<String> failures = new ArrayList<>();
        for (String address : nameServers.inTryOrder()) {
            try {
                return remoting.invokeSync(address, request.get(), timeoutMillis);
            } catch (RemotingException e) {
                nameServers.failed(address);
                failures.add(address + " (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException("interrupted while calling name server " + address, e);
            }
        }
        throw new ClientException("no name server answered (NameServers tried: " + String.join(", ", failures) + ")");
    }

    /** The topic's route, or empty when the name servers know no route for it. */
    public Optional<TopicRoute> route(String topic) throws ClientException {
        RemotingCommand response = invoke(() -> RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                .putExtField("topic", topic)
                .putExtField("acceptStandardJsonOnly", true));
        if (response.code() == ResponseCode.TOPIC_NOT_EXIST) {
            return Optional.empty();
        }
        if (response.code() != ResponseCode.SUCCESS) {
            throw new ClientException("name server refused the route of topic " + topic + ": code " + response.code()
                    + ", " + response.remark(), response.code(), response.remark(), null);
        }
        if (response.body() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TopicRoute.parse(topic, response.body()));
        } catch (JsonException e) {
            throw new ClientException("bad route body for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The message of a "no route" failure, naming the name servers asked. */
    public String noRouteMessage(String topic) {
        return "no route info for topic " + topic + " (NameServers tried: " + String.join(", ", nameServers.all()) + ")";
    }
}
