package dev.sluice.broker.pull;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;

/** PULL_MESSAGE's header. */
record PullRequest(String consumerGroup, String topic, int queueId, long queueOffset, int maxMsgNums, int sysFlag,
                   long commitOffset, long suspendTimeoutMillis, String subscription, long subVersion,
                   String expressionType) {
    static final int FLAG_COMMIT_OFFSET = 0x1;
    static final int FLAG_SUSPEND = 0x2;
    static final int FLAG_SUBSCRIPTION = 0x4;

    static PullRequest of(RemotingCommand request) throws RemotingCommandException {
        return new PullRequest(
                request.requireExtField("consumerGroup"),
                request.requireExtField("topic"),
                (int) request.requireLongExtField("queueId"),
                request.requireLongExtField("queueOffset"),
                (int) request.requireLongExtField("maxMsgNums"),
                (int) request.requireLongExtField("sysFlag"),
                request.requireLongExtField("commitOffset"),
                request.requireLongExtField("suspendTimeoutMillis"),
                request.extField("subscription"),
                request.requireLongExtField("subVersion"),
                request.extField("expressionType"));
    }

    boolean commitsOffset() {
        return (sysFlag & FLAG_COMMIT_OFFSET) != 0;
    }

    boolean maySuspend() {
        return (sysFlag & FLAG_SUSPEND) != 0;
    }

    boolean carriesSubscription() {
        return (sysFlag & FLAG_SUBSCRIPTION) != 0;
    }
}
