package dev.sluice.client.consumer;

/** One subscribed topic: its tag expression and version (the time it was made, which brokers compare). */
record Subscription(String topic, TagExpression expression, long version) {
    static Subscription of(String topic, String expression) {
        return of(topic, TagExpression.parse(expression));
    }

    static Subscription of(String topic, TagExpression expression) {
        return new Subscription(topic, expression, System.currentTimeMillis());
    }
}
