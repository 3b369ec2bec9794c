package dev.sluice.client.admin;

/**
 * A topic's configuration on a broker (UPDATE_AND_CREATE_TOPIC).
 *
 * @param perm         permission bits: 2 write, 4 read (6 = read/write)
 * @param topicSysFlag bit 0 unit topic, bit 1 has unit subscriptions
 */
public record TopicSettings(String topic, int readQueueNums, int writeQueueNums, int perm, boolean order,
                            int topicSysFlag) {
    /** RocketMQ's mqadmin defaults: 8 read and 8 write queues, read/write, not ordered. */
    public static TopicSettings defaults(String topic) {
        return new TopicSettings(topic, 8, 8, 6, false, 0);
    }
}
