package dev.sluice.broker.client;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GET_PRODUCER_CONNECTION_LIST (mqadmin producerConnection): {@code {"connectionSet":[Connection]}}. */
public final class ProducerConnectionProcessor implements RequestProcessor {
    private final ProducerRegistry producers;

    public ProducerConnectionProcessor(ProducerRegistry producers) {
        this.producers = producers;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
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
}
