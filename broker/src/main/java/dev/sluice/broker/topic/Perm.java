package dev.sluice.broker.topic;

/** RocketMQ permission bits of topics and brokers. */
public final class Perm {
    public static final int PRIORITY = 8;
    public static final int READ = 4;
    public static final int WRITE = 2;
    public static final int INHERIT = 1;

    private Perm() {
    }

    public static boolean readable(int perm) {
        return (perm & READ) != 0;
    }

    public static boolean writeable(int perm) {
        return (perm & WRITE) != 0;
    }

    public static boolean inherited(int perm) {
        return (perm & INHERIT) != 0;
    }
}
