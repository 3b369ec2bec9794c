package dev.sluice.broker.filter;

import java.util.Set;
import java.util.function.Function;

/**
 * One node of a compiled selector. Values are what RocketMQ's selector computes with: Integer, Long, Double, String,
 * Boolean, or null for "unknown" (a missing property, and SQL's three-valued logic). Where RocketMQ's evaluation
 * throws (a string that does not parse as the number it is compared with, say), {@link Unmatched} is thrown: the
 * message is then not selected, whatever the rest of the expression says.
 */
sealed interface SqlNode {
    Object eval(Function<String, String> properties);

    /** Whether RocketMQ counts the node as a boolean expression (its compile-time checks depend on it). */
    default boolean isBoolean() {
        return false;
    }

    /** A constant: a number, a string, or TRUE / FALSE / NULL (which are the boolean ones). */
    record Literal(Object value, boolean isBoolean) implements SqlNode {
        static final Literal NULL = new Literal(null, true);
        static final Literal TRUE = new Literal(Boolean.TRUE, true);
        static final Literal FALSE = new Literal(Boolean.FALSE, true);

        @Override
        public Object eval(Function<String, String> properties) {
            return value;
        }
    }

    record Property(String name) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            return properties.apply(name);
        }
    }

    /** Unary minus: numbers only; anything else, strings included, is unknown. */
    record Negate(SqlNode operand) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Object v = operand.eval(properties);
            if (v instanceof Integer i) {
                return -i;
            }
            if (v instanceof Long l) {
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            return null;
        }
    }

    /** A property used where a boolean is wanted: unknown when missing, else false (properties are never booleans). */
    record BooleanCast(SqlNode operand) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Object v = operand.eval(properties);
            if (v == null) {
                return null;
            }
            return v instanceof Boolean ? v : Boolean.FALSE;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    record Not(SqlNode operand) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Boolean v = (Boolean) operand.eval(properties);
            return v == null ? null : !v;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    /** AND; the right side is not evaluated when the left is false. */
    record And(SqlNode left, SqlNode right) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Boolean l = (Boolean) left.eval(properties);
            if (Boolean.FALSE.equals(l)) {
                return Boolean.FALSE;
            }
            Boolean r = (Boolean) right.eval(properties);
            if (Boolean.FALSE.equals(r)) {
                return Boolean.FALSE;
            }
            return l == null || r == null ? null : Boolean.TRUE;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    /** OR; the right side is not evaluated when the left is true. */
    record Or(SqlNode left, SqlNode right) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Boolean l = (Boolean) left.eval(properties);
            if (Boolean.TRUE.equals(l)) {
                return Boolean.TRUE;
            }
            Boolean r = (Boolean) right.eval(properties);
            if (Boolean.TRUE.equals(r)) {
                return Boolean.TRUE;
            }
            return l == null || r == null ? null : Boolean.FALSE;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    /**
     * {@code =}, and IS NULL against the NULL literal. Both sides are evaluated first. RocketMQ's null handling is
     * lopsided: an unknown left side gives unknown, an unknown right side (with a known left) gives false.
     */
    record Equal(SqlNode left, SqlNode right) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Object l = left.eval(properties);
            Object r = right.eval(properties);
            if (l == null || r == null) {
                return l == null && r == null ? Boolean.TRUE : l == null ? null : Boolean.FALSE;
            }
            return l.equals(r) || Values.compare(l, r) == 0;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    enum Order { GT, GE, LT, LE }

    /**
     * {@code > >= < <=}. Unknown when the left side is (the right is then not evaluated) or the right side is. Two
     * strings are compared as doubles; they fail the match when either does not parse.
     */
    record Ordering(SqlNode left, Order order, SqlNode right) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Object l = left.eval(properties);
            if (l == null) {
                return null;
            }
            Object r = right.eval(properties);
            if (r == null) {
                return null;
            }
            int c = l instanceof String ls && r instanceof String rs
                    ? Double.compare(Values.parseDouble(ls), Values.parseDouble(rs))
                    : Values.compare(l, r);
            return switch (order) {
                case GT -> c > 0;
                case GE -> c >= 0;
                case LT -> c < 0;
                case LE -> c <= 0;
            };
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    /** {@code [NOT] IN ('a', ...)} on a property: unknown when the property is missing, for NOT IN too. */
    record In(Property property, Set<String> values, boolean not) implements SqlNode {
        @Override
        public Object eval(Function<String, String> properties) {
            Object v = property.eval(properties);
            if (!(v instanceof String s)) {
                return null;
            }
            return values.contains(s) != not;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }
    }

    /** Thrown where RocketMQ's evaluation throws; the message is not selected. Stackless: it is control flow. */
    final class Unmatched extends RuntimeException {
        static final Unmatched INSTANCE = new Unmatched();

        private Unmatched() {
            super("not comparable", null, false, false);
        }
    }

    /** RocketMQ's comparison of two values of possibly different types, a string taking the other side's type. */
    final class Values {
        private Values() {
        }

        /**
         * Negative, zero or positive as for compareTo. Values of kinds that do not convert into each other (a
         * boolean and a number) compare as "less", as in RocketMQ; a boolean on the left against a string fails.
         */
        static int compare(Object l, Object r) {
            if (l.getClass() == r.getClass()) {
                return sameKind(l, r);
            }
            if (l instanceof Boolean) {
                if (r instanceof String) {
                    throw Unmatched.INSTANCE;
                }
                return -1;
            }
            if (l instanceof String s) {
                return sameKind(parseAs(s, r), r);
            }
            if (r instanceof String s) {
                return sameKind(l, parseAs(s, l));
            }
            if (l instanceof Number ln && r instanceof Number rn) {
                if (l instanceof Double || r instanceof Double) {
                    return Double.compare(ln.doubleValue(), rn.doubleValue());
                }
                return Long.compare(ln.longValue(), rn.longValue());
            }
            return -1;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int sameKind(Object l, Object r) {
            return ((Comparable) l).compareTo(r);
        }

        /** A string read as the kind of {@code like}: Java's valueOf, so "01" is 1 and " 1" fails as an integer. */
        private static Object parseAs(String s, Object like) {
            try {
                if (like instanceof Integer) {
                    return Integer.valueOf(s);
                }
                if (like instanceof Long) {
                    return Long.valueOf(s);
                }
                if (like instanceof Double) {
                    return Double.valueOf(s);
                }
                return Boolean.valueOf(s);
            } catch (NumberFormatException e) {
                throw Unmatched.INSTANCE;
            }
        }

        static double parseDouble(String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw Unmatched.INSTANCE;
            }
        }
    }
}
