package dev.sluice.client.consumer;

/** One subscribed topic: its tag expression and version (the time it was made, which brokers compare). */
record Subscription(String topic, TagExpression expression, long version) {
    static Subscription of(String topic, String expression) {
        return new Subscription(topic, TagExpression.parse(expression), System.currentTimeMillis());
    }
}
