package dev.sluice.broker.filter;

import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * A consumer's SQL92 selector (the official client's {@code MessageSelector.bySql}), evaluated against a message's
 * properties: TAGS, KEYS and the user's own, each a string, or null when the message does not have it.
 *
 * <p>The grammar and the evaluation are RocketMQ 4.9.7's, type conversions included: a property compared with an
 * integer literal is read as an integer ({@code a = 1} selects "01" but not "1.0"), and a comparison that cannot
 * convert does not select the message. A message is selected only when the expression is TRUE, not when it is
 * unknown. Two differences, both where RocketMQ accepts an expression it then mis-reads or refuses a sound one:
 * anything after a complete expression is an error (RocketMQ ignores it, so {@code a LIKE 'x'} compiled as {@code a}
 * and selected nothing), and {@code 0.0} is a valid literal (RocketMQ refuses floats below Double.MIN_VALUE).
 */
public final class SqlSelector {
    public static final String TYPE = "SQL92";

    private final String expression;
    private final SqlNode root;

    private SqlSelector(String expression, SqlNode root) {
        this.expression = expression;
        this.root = root;
    }

    /** @throws IllegalArgumentException for an expression RocketMQ's grammar or checks refuse, saying why and where */
    public static SqlSelector compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("an SQL92 selector cannot be empty");
        }
        return new SqlSelector(expression, SqlParser.parse(expression));
    }

    public String expression() {
        return expression;
    }

    /** Whether a message with these properties is selected; {@code properties} gives null for a missing one. */
    public boolean matches(Function<String, String> properties) {
        try {
            return root.eval(properties) == Boolean.TRUE;
        } catch (SqlNode.Unmatched e) {
            return false;
        }
    }

    /** Whether the stored message record that {@code record} holds from its position is selected. */
    public boolean matches(ByteBuffer record) {
        String properties = MessageCodec.properties(record, record.position());
        return matches(name -> MessageProperties.get(properties, name));
    }

    @Override
    public String toString() {
        return expression;
    }
}
