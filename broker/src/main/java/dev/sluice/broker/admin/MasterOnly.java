package dev.sluice.broker.admin;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.util.Set;

/**
 * A slave takes its topics and groups from its master every few seconds: a change made on the slave would be
 * reported done and then overwritten. As RocketMQ 4.9.7, it is refused with the same remark.
 */
final class MasterOnly {
    private static final String REMARK =
            "Can't modify topic or subscription group from slave broker, please execute it from master broker.";
    private static final Set<Integer> CHANGES = Set.of(RequestCode.UPDATE_AND_CREATE_TOPIC,
            RequestCode.DELETE_TOPIC_IN_BROKER, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
            RequestCode.DELETE_SUBSCRIPTIONGROUP);

    private MasterOnly() {
    }

    /** The refusal when {@code request} changes topics or groups and this broker is a slave, else null. */
    static RemotingCommand refusal(BrokerConfig config, RemotingCommand request) {
        return config.isSlave() && CHANGES.contains(request.code())
                ? RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, REMARK) : null;
    }
}
