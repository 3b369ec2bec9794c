package dev.sluice.broker.client;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GET_PRODUCER_CONNECTION_LIST (mqadmin producerConnection): {@code {"connectionSet":[Connection]}} of one group;
 * GET_ALL_PRODUCER_INFO (mqadmin producer): {@code {"data":{group:[ProducerInfo]}}} of every group.
 */
public final class ProducerConnectionProcessor implements RequestProcessor {
    private final ProducerRegistry producers;

    public ProducerConnectionProcessor(ProducerRegistry producers) {
        this.producers = producers;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        if (request.code() == RequestCode.GET_ALL_PRODUCER_INFO) {
            return allProducers(request);
        }
        String group = request.requireExtField("producerGroup");
        List<ClientChannel> members = producers.members(group);
        if (members.isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "the producer group[" + group + "] not exist");
        }
        List<Object> connectionSet = new ArrayList<>();
        for (ClientChannel member : members) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("clientAddr", member.connection().remoteAddress());
            c.put("clientId", member.clientId());
            c.put("language", member.language());
            c.put("version", member.version());
            connectionSet.add(c);
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                .setBody(Json.writeBytes(Map.of("connectionSet", connectionSet)));
    }

    private RemotingCommand allProducers(RemotingCommand request) {
        Map<String, Object> data = new TreeMap<>();
        producers.all().forEach((group, members) -> {
            List<Object> infos = new ArrayList<>();
            for (ClientChannel member : members) {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("clientId", member.clientId());
                info.put("language", member.language());
                info.put("lastUpdateTimestamp", member.lastUpdateMillis());
                // RocketMQ prints the peer as Java prints a socket address: "/ip:port"
                InetSocketAddress peer = member.connection().remoteSocketAddress();
                info.put("remoteIP", peer == null ? member.connection().remoteAddress() : peer.toString());
                info.put("version", member.version());
                infos.add(info);
            }
            data.put(group, infos);
        });
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                .setBody(Json.writeBytes(Map.of("data", data)));
    }
}
