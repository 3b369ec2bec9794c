package dev.sluice.broker.send;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RequestCode;

/**
 * The send header, from either form: SEND_MESSAGE's (and SEND_REPLY_MESSAGE's) long field names or SEND_MESSAGE_V2 /
 * SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2's one-letter names (a..m).
 */
record SendRequest(String producerGroup, String topic, String defaultTopic, int defaultTopicQueueNums, int queueId,
                   int sysFlag, long bornTimestamp, int flag, String properties, int reconsumeTimes,
                   Integer maxReconsumeTimes, boolean batch) {

    static SendRequest of(RemotingCommand request) throws RemotingCommandException {
        boolean v2 = request.code() != RequestCode.SEND_MESSAGE && request.code() != RequestCode.SEND_REPLY_MESSAGE;
        Names n = v2 ? Names.SHORT : Names.LONG;
        String maxReconsume = request.extField(n.maxReconsumeTimes);
        return new SendRequest(
                request.requireExtField(n.producerGroup),
                request.requireExtField(n.topic),
                request.requireExtField(n.defaultTopic),
                intField(request, n.defaultTopicQueueNums),
                intField(request, n.queueId),
                intField(request, n.sysFlag),
                request.requireLongExtField(n.bornTimestamp),
                intField(request, n.flag),
                request.extField(n.properties),
                request.extField(n.reconsumeTimes) == null ? 0 : intField(request, n.reconsumeTimes),
                maxReconsume == null ? null : intField(request, n.maxReconsumeTimes),
                request.code() == RequestCode.SEND_BATCH_MESSAGE || Boolean.parseBoolean(request.extField(n.batch)));
    }

    private static int intField(RemotingCommand request, String name) throws RemotingCommandException {
        long value = request.requireLongExtField(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new RemotingCommandException("the custom field <" + name + "> is out of int range");
        }
        return (int) value;
    }

    private enum Names {
        LONG("producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId", "sysFlag", "bornTimestamp",
                "flag", "properties", "reconsumeTimes", "maxReconsumeTimes", "batch"),
        SHORT("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "l", "m");

        final String producerGroup;
        final String topic;
        final String defaultTopic;
        final String defaultTopicQueueNums;
        final String queueId;
        final String sysFlag;
        final String bornTimestamp;
        final String flag;
        final String properties;
        final String reconsumeTimes;
        final String maxReconsumeTimes;
        final String batch;

        Names(String producerGroup, String topic, String defaultTopic, String defaultTopicQueueNums, String queueId,
              String sysFlag, String bornTimestamp, String flag, String properties, String reconsumeTimes,
              String maxReconsumeTimes, String batch) {
            this.producerGroup = producerGroup;
            this.topic = topic;
            this.defaultTopic = defaultTopic;
            this.defaultTopicQueueNums = defaultTopicQueueNums;
            this.queueId = queueId;
            this.sysFlag = sysFlag;
            this.bornTimestamp = bornTimestamp;
            this.flag = flag;
            this.properties = properties;
            this.reconsumeTimes = reconsumeTimes;
            this.maxReconsumeTimes = maxReconsumeTimes;
            this.batch = batch;
        }
    }
}
