package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import java.util.Optional;

/** The read side clients and admin tools use: routes, cluster membership, topic lists, system topics. */
final class RouteQueryProcessor implements RequestProcessor {
    /** Clients from V4_9_4 on parse standard JSON routes; older ones get fastjson's unquoted keys. */
    private static final int FIRST_VERSION_WITH_STANDARD_JSON = 401;

    private final RouteRegistry registry;
    private final KvConfigStore kvConfig;
    private final NamesrvConfig config;

    RouteQueryProcessor(RouteRegistry registry, KvConfigStore kvConfig, NamesrvConfig config) {
        this.registry = registry;
        this.kvConfig = kvConfig;
        this.config = config;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        return switch (request.code()) {
            case RequestCode.GET_ROUTEINFO_BY_TOPIC -> route(request);
            case RequestCode.GET_BROKER_CLUSTER_INFO -> success(request, RouteBodies.clusterInfo(registry.clusterInfo()));
            case RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER -> success(request, RouteBodies.topicList(registry.topics()));
            case RequestCode.GET_TOPICS_BY_CLUSTER ->
                    success(request, RouteBodies.topicList(registry.topicsOfCluster(request.requireExtField("cluster"))));
            case RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS -> success(request, RouteBodies.systemTopicList(registry.systemTopics()));
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand route(RemotingCommand request) throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        Optional<RouteRegistry.TopicRoute> route = registry.route(topic);
        if (route.isEmpty()) {
            // RocketMQ's words to the letter: its tools add their own FAQ line to a remark without this one.
            return RemotingCommand.responseTo(request, ResponseCode.TOPIC_NOT_EXIST,
                    "No topic route info in name server for the topic: " + topic
                            + "\nSee http://rocketmq.apache.org/docs/faq/ for further details.");
        }
        String orderTopicConf = config.orderMessageEnable()
                ? kvConfig.get(NamesrvConfig.ORDER_TOPIC_NAMESPACE, topic).orElse(null)
                : null;
        boolean standardJson = request.version() >= FIRST_VERSION_WITH_STANDARD_JSON
                || Boolean.parseBoolean(request.extField("acceptStandardJsonOnly"));
        return success(request, RouteBodies.topicRouteData(route.get(), orderTopicConf, standardJson));
    }

    private static RemotingCommand success(RemotingCommand request, byte[] body) {
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(body);
    }
}
