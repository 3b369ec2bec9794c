package dev.sluice.namesrv;

import java.util.LinkedHashMap;
import java.util.Map;

/** One broker's share of a topic as published in routes. */
record QueueData(String brokerName, int readQueueNums, int writeQueueNums, int perm, int topicSysFlag) {
    static final int PERM_WRITE = 2;

    static QueueData of(String brokerName, TopicConfig config) {
        return new QueueData(brokerName, config.readQueueNums(), config.writeQueueNums(), config.perm(), config.topicSysFlag());
    }

    QueueData withPerm(int newPerm) {
        return new QueueData(brokerName, readQueueNums, writeQueueNums, newPerm, topicSysFlag);
    }

    /** Keys in fastjson's alphabetical order. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("brokerName", brokerName);
        json.put("perm", perm);
        json.put("readQueueNums", readQueueNums);
        json.put("topicSysFlag", topicSysFlag);
        json.put("writeQueueNums", writeQueueNums);
        return json;
    }
}
