package dev.sluice.client.consumer;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.client.internal.TopicRoute;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CHECK_CLIENT_CONFIG before a consumer with SQL92 subscriptions starts: a broker of each such topic says whether it
 * takes the selector, so a broker without enablePropertyFilter, or a selector that does not compile, stops the start
 * instead of failing every pull. RocketMQ's client does the same; like it, a topic with no route yet is not checked.
 */
final class SelectorCheck {
    private SelectorCheck() {
    }

    /** A new runtime for a consumer of {@code group}, once the brokers took its SQL92 subscriptions; closed if not. */
    static ClientRuntime runtimeFor(ClientConfig config, String group, Collection<Subscription> subscriptions)
            throws ClientException {
        ClientRuntime runtime = new ClientRuntime(config);
        try {
            inBrokers(runtime, group, subscriptions);
        } catch (ClientException | RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    static void inBrokers(ClientRuntime runtime, String group, Collection<Subscription> subscriptions)
            throws ClientException {
        for (Subscription s : subscriptions) {
            if (!TagExpression.SQL92.equals(s.expression().type())) {
                continue;
            }
            TopicRoute route;
            try {
                route = runtime.routes().route(s.topic());
            } catch (ClientException e) {
                continue;
            }
            for (Map.Entry<String, BrokerData> broker : route.brokers().entrySet()) {
                String address = broker.getValue().masterAddress();
                if (address != null) {
                    check(runtime, group, s, broker.getKey(), address);
                    break;
                }
            }
        }
    }

    private static void check(ClientRuntime runtime, String group, Subscription s, String brokerName, String address)
            throws ClientException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientId", runtime.clientId());
        body.put("group", group);
        body.put("subscriptionData", s.expression().toSubscriptionData(s.topic(), s.version()));
        RemotingCommand request = RemotingCommand.request(RequestCode.CHECK_CLIENT_CONFIG).setBody(Json.writeBytes(body));
        RemotingCommand response = runtime.brokers().call(brokerName, address, request, runtime.timeoutMillis());
        if (response.code() != ResponseCode.SUCCESS) {
            throw new ClientException("broker " + brokerName + " at " + address + " refuses the SQL92 selector of "
                    + s.topic() + ": " + response.remark(), response.code(), response.remark(), null);
        }
    }
}
