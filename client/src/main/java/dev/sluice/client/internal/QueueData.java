package dev.sluice.client.internal;

/** A topic's queues on one broker group, as the name server reports them. */
public record QueueData(String brokerName, int readQueueNums, int writeQueueNums, int perm, int topicSysFlag) {
    public static final int PERM_READ = 4;
    public static final int PERM_WRITE = 2;

    public boolean readable() {
        return (perm & PERM_READ) != 0;
    }

    public boolean writable() {
        return (perm & PERM_WRITE) != 0;
    }
}
