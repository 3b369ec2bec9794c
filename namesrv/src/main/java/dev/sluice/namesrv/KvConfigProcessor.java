package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import java.util.Map;
import java.util.Optional;

/** PUT/GET/DELETE_KV_CONFIG and GET_KVLIST_BY_NAMESPACE. */
final class KvConfigProcessor implements RequestProcessor {
    private final KvConfigStore store;

    KvConfigProcessor(KvConfigStore store) {
        this.store = store;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        String namespace = request.requireExtField("namespace");
        switch (request.code()) {
            case RequestCode.PUT_KV_CONFIG -> {
                store.put(namespace, request.requireExtField("key"), request.requireExtField("value"));
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
            }
            case RequestCode.GET_KV_CONFIG -> {
                String key = request.requireExtField("key");
                Optional<String> value = store.get(namespace, key);
                if (value.isEmpty()) {
                    return RemotingCommand.responseTo(request, ResponseCode.QUERY_NOT_FOUND,
                            "No config item, Namespace: " + namespace + " Key: " + key);
                }
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).putExtField("value", value.get());
            }
            case RequestCode.DELETE_KV_CONFIG -> {
                store.delete(namespace, request.requireExtField("key"));
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
            }
            case RequestCode.GET_KVLIST_BY_NAMESPACE -> {
                Optional<Map<String, String>> table = store.namespace(namespace);
                if (table.isEmpty()) {
                    return RemotingCommand.responseTo(request, ResponseCode.QUERY_NOT_FOUND,
                            "No config item, Namespace: " + namespace);
                }
                return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(RouteBodies.kvTable(table.get()));
            }
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        }
    }
}
