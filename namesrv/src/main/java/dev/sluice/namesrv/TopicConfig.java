package dev.sluice.namesrv;

/** What a registering master says about one of its topics; the name server keeps it as a {@link QueueData}. */
record TopicConfig(String topicName, int readQueueNums, int writeQueueNums, int perm, int topicSysFlag) {
}
