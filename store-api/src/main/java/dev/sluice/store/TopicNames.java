package dev.sluice.store;

/** RocketMQ's rules for topic names. */
public final class TopicNames {
    /** Longest topic a v1 record can carry (its length is one signed byte). */
    public static final int MAX_LENGTH = 127;

    private TopicNames() {
    }

    /** Why a topic name is not acceptable, or null when it is. */
    public static String problem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic is empty";
        }
        if (topic.length() > MAX_LENGTH) {
            return "topic is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!isLegal(c)) {
                return "topic contains the illegal character '" + c + "'; allowed: [%|a-zA-Z0-9_-]";
            }
        }
        return null;
    }

    /** Whether a character (or a byte of a stored topic) may appear in a topic name. */
    public static boolean isLegal(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '%' || c == '|' || c == '_' || c == '-';
    }
}
