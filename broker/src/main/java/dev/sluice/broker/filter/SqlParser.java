package dev.sluice.broker.filter;

import dev.sluice.broker.filter.SqlNode.And;
import dev.sluice.broker.filter.SqlNode.BooleanCast;
import dev.sluice.broker.filter.SqlNode.Equal;
import dev.sluice.broker.filter.SqlNode.In;
import dev.sluice.broker.filter.SqlNode.Literal;
import dev.sluice.broker.filter.SqlNode.Negate;
import dev.sluice.broker.filter.SqlNode.Not;
import dev.sluice.broker.filter.SqlNode.Or;
import dev.sluice.broker.filter.SqlNode.Order;
import dev.sluice.broker.filter.SqlNode.Ordering;
import dev.sluice.broker.filter.SqlNode.Property;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads RocketMQ's SQL92 selector grammar, loosest binding first: OR; AND; {@code = <>} and IS [NOT] NULL;
 * {@code > >= < <=}, [NOT] BETWEEN and [NOT] IN; unary {@code + -} and NOT; literals, properties and parentheses.
 * Keywords are case-insensitive, property names are not. The compile-time checks are RocketMQ's (no NULL in
 * {@code =}, only numbers and properties in orderings, booleans where AND, OR and NOT need them).
 */
final class SqlParser {
    private enum Kind { END, ID, STRING, DECIMAL, FLOAT, KEYWORD, SYMBOL }

    private record Token(Kind kind, String text, int at) {
        boolean is(String keywordOrSymbol) {
            return (kind == Kind.KEYWORD || kind == Kind.SYMBOL) && text.equals(keywordOrSymbol);
        }
    }

    /** Far beyond any real selector; long OR chains of generated terms stay well inside. */
    private static final int MAX_DEPTH = 1000;
    private static final int MAX_NESTING = 100;
    private static final Set<String> KEYWORDS = Set.of("NOT", "AND", "OR", "BETWEEN", "IN", "TRUE", "FALSE", "NULL", "IS");

    private final String text;
    private final Map<SqlNode, Integer> depths = new IdentityHashMap<>();
    private int pos;
    private Token token;
    private int nesting;

    private SqlParser(String text) {
        this.text = text;
    }

    /** @throws IllegalArgumentException saying what is wrong and where */
    static SqlNode parse(String text) {
        SqlParser parser = new SqlParser(text);
        parser.advance();
        SqlNode root = parser.asBoolean(parser.or());
        if (parser.token.kind != Kind.END) {
            throw parser.error("unexpected '" + parser.token.text + "' after a complete expression");
        }
        return root;
    }

    private SqlNode or() {
        SqlNode left = and();
        while (accept("OR")) {
            SqlNode l = asBoolean(left);
            SqlNode r = asBoolean(and());
            left = node(new Or(l, r), l, r);
        }
        return left;
    }

    private SqlNode and() {
        SqlNode left = equality();
        while (accept("AND")) {
            SqlNode l = asBoolean(left);
            SqlNode r = asBoolean(equality());
            left = node(new And(l, r), l, r);
        }
        return left;
    }

    private SqlNode equality() {
        SqlNode left = comparison();
        while (true) {
            if (accept("=")) {
                left = equal(left, comparison());
            } else if (accept("<>")) {
                SqlNode equal = equal(left, comparison());
                left = node(new Not(equal), equal);
            } else if (accept("IS")) {
                boolean not = accept("NOT");
                expect("NULL");
                SqlNode isNull = node(new Equal(left, Literal.NULL), left);
                left = not ? node(new Not(isNull), isNull) : isNull;
            } else {
                return left;
            }
        }
    }

    private SqlNode comparison() {
        SqlNode left = unary();
        while (true) {
            if (accept(">")) {
                left = ordering(left, Order.GT, unary());
            } else if (accept(">=")) {
                left = ordering(left, Order.GE, unary());
            } else if (accept("<")) {
                left = ordering(left, Order.LT, unary());
            } else if (accept("<=")) {
                left = ordering(left, Order.LE, unary());
            } else if (accept("BETWEEN")) {
                left = between(left, false);
            } else if (accept("IN")) {
                left = in(left, false);
            } else if (accept("NOT")) {
                if (accept("BETWEEN")) {
                    left = between(left, true);
                } else if (accept("IN")) {
                    left = in(left, true);
                } else {
                    throw error("expected BETWEEN or IN after NOT");
                }
            } else {
                return left;
            }
        }
    }

    private SqlNode unary() {
        if (accept("+")) {
            return nestedUnary();
        }
        if (accept("-")) {
            SqlNode operand = nestedUnary();
            return node(new Negate(operand), operand);
        }
        if (accept("NOT")) {
            SqlNode operand = asBoolean(nestedUnary());
            return node(new Not(operand), operand);
        }
        return primary();
    }

    private SqlNode nestedUnary() {
        enter();
        SqlNode operand = unary();
        nesting--;
        return operand;
    }

    /** Bounds the parser's recursion (parentheses, unary operators), so a hostile expression cannot exhaust the stack. */
    private void enter() {
        if (++nesting > MAX_NESTING) {
            throw error("the expression nests parentheses or unary operators deeper than " + MAX_NESTING + " levels");
        }
    }

    /** Records a new node's depth; evaluation recurses that deep, so it is bounded too. */
    private SqlNode node(SqlNode node, SqlNode... children) {
        int depth = 0;
        for (SqlNode child : children) {
            depth = Math.max(depth, depths.getOrDefault(child, 1));
        }
        if (depth + 1 > MAX_DEPTH) {
            throw error("the expression is more than " + MAX_DEPTH + " operators deep");
        }
        depths.put(node, depth + 1);
        return node;
    }

    private SqlNode primary() {
        Token t = token;
        switch (t.kind) {
            case ID -> {
                advance();
                return new Property(t.text);
            }
            case STRING -> {
                advance();
                return new Literal(t.text, false);
            }
            case DECIMAL -> {
                advance();
                return decimal(t);
            }
            case FLOAT -> {
                advance();
                return floating(t);
            }
            default -> {
                if (accept("TRUE")) {
                    return Literal.TRUE;
                }
                if (accept("FALSE")) {
                    return Literal.FALSE;
                }
                if (accept("NULL")) {
                    return Literal.NULL;
                }
                if (accept("(")) {
                    enter();
                    SqlNode inner = or();
                    nesting--;
                    expect(")");
                    return inner;
                }
                throw error(t.kind == Kind.END ? "the expression ends too early" : "unexpected '" + t.text + "'");
            }
        }
    }

    private SqlNode equal(SqlNode left, SqlNode right) {
        for (SqlNode side : new SqlNode[] {left, right}) {
            if (side instanceof Literal l && l.value() == null) {
                throw error("NULL cannot be compared with '='; use IS NULL");
            }
        }
        if (left instanceof Literal l && l.isBoolean() && right instanceof Literal r && !r.isBoolean()) {
            throw error(l.value() + " cannot be compared with " + r.value());
        }
        return node(new Equal(left, right), left, right);
    }

    private SqlNode ordering(SqlNode left, Order order, SqlNode right) {
        SqlNode l = orderable(left);
        SqlNode r = orderable(right);
        return node(new Ordering(l, order, r), l, r);
    }

    /** Only numbers, properties and negations can be ordered. */
    private SqlNode orderable(SqlNode node) {
        if (node.isBoolean() || node instanceof Literal l && !(l.value() instanceof Number)) {
            throw error("only numbers and properties can be compared with > >= < <= or BETWEEN");
        }
        return node;
    }

    private SqlNode between(SqlNode value, boolean not) {
        SqlNode low = unary();
        expect("AND");
        SqlNode high = unary();
        if (!not && low instanceof Literal l && high instanceof Literal h) {
            if (l.value() == null || h.value() == null) {
                throw error("BETWEEN cannot take NULL");
            }
            int c;
            try {
                c = SqlNode.Values.compare(h.value(), l.value());
            } catch (SqlNode.Unmatched e) {
                throw error("BETWEEN's bounds cannot be compared: " + l.value() + " and " + h.value());
            }
            if (c < 0) {
                throw error("BETWEEN's lower bound " + l.value() + " is above its upper bound " + h.value());
            }
        }
        SqlNode above = ordering(value, not ? Order.LT : Order.GE, low);
        SqlNode below = ordering(value, not ? Order.GT : Order.LE, high);
        return node(not ? new Or(above, below) : new And(above, below), above, below);
    }

    private SqlNode in(SqlNode left, boolean not) {
        expect("(");
        Set<String> values = new LinkedHashSet<>();
        do {
            if (token.kind != Kind.STRING) {
                throw error("IN takes string literals only");
            }
            values.add(token.text);
            advance();
        } while (accept(","));
        expect(")");
        if (!(left instanceof Property p)) {
            throw error("IN needs a property on its left");
        }
        return node(new In(p, Set.copyOf(values), not), p);
    }

    /** A property where a boolean is wanted is read as one; anything else that is not boolean is refused. */
    private SqlNode asBoolean(SqlNode node) {
        if (node.isBoolean()) {
            return node;
        }
        if (node instanceof Property) {
            return node(new BooleanCast(node), node);
        }
        throw error("the expression does not give a boolean: " + node);
    }

    private static Literal decimal(Token t) {
        String digits = t.text.endsWith("l") || t.text.endsWith("L") ? t.text.substring(0, t.text.length() - 1) : t.text;
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(shortened(t.text) + " is too large for a long (at " + (t.at + 1) + ")");
        }
        // Not a conditional expression: that would unbox both arms and make every literal a Long.
        if (value == (int) value) {
            return new Literal((int) value, false);
        }
        return new Literal(value, false);
    }

    private static Literal floating(Token t) {
        double value = Double.parseDouble(t.text);
        if (Double.isInfinite(value)) {
            throw new IllegalArgumentException(shortened(t.text) + " is too large for a double (at " + (t.at + 1) + ")");
        }
        return new Literal(value, false);
    }

    private boolean accept(String keywordOrSymbol) {
        if (token.is(keywordOrSymbol)) {
            advance();
            return true;
        }
        return false;
    }

    private void expect(String keywordOrSymbol) {
        if (!accept(keywordOrSymbol)) {
            throw error("expected " + keywordOrSymbol + (token.kind == Kind.END ? " at the end" : " instead of '" + token.text + "'"));
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " (at " + (token.at + 1) + " in " + quoted() + ")");
    }

    // ---- lexer: RocketMQ's tokens, longest match first, keywords winning a tie with a name

    private void advance() {
        skipSpaceAndComments();
        int start = pos;
        if (pos >= text.length()) {
            token = new Token(Kind.END, "", start);
            return;
        }
        char c = text.charAt(pos);
        if (isNameStart(c)) {
            while (pos < text.length() && isNamePart(text.charAt(pos))) {
                pos++;
            }
            String word = text.substring(start, pos);
            String upper = word.toUpperCase(Locale.ROOT);
            token = KEYWORDS.contains(upper) ? new Token(Kind.KEYWORD, upper, start) : new Token(Kind.ID, word, start);
        } else if (isDigit(c) || c == '.' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
            token = number(start);
        } else if (c == '\'') {
            token = string(start);
        } else {
            token = symbol(start, c);
        }
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else if (text.startsWith("--", pos) && lineBreakAfter(pos) >= 0) {
                // RocketMQ's line comment ends with a line break; without one, "--" is two minus signs.
                pos = lineBreakAfter(pos);
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw lexError(pos, "a comment that does not end");
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    /** The position of the first line break after {@code from}, or -1. */
    private int lineBreakAfter(int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** Integers are 0 or start with 1-9 (so 010 is 0 then 10), with an optional L; floats have a point or exponent. */
    private Token number(int start) {
        int digitsEnd = skipDigits(start);
        boolean point = digitsEnd < text.length() && text.charAt(digitsEnd) == '.';
        int end = point ? skipDigits(digitsEnd + 1) : digitsEnd;
        int exponentEnd = exponent(end);
        if (point || exponentEnd > end) {
            pos = exponentEnd;
            return new Token(Kind.FLOAT, text.substring(start, pos), start);
        }
        if (text.charAt(start) == '0') {
            pos = start + 1;
            return new Token(Kind.DECIMAL, "0", start);
        }
        pos = digitsEnd;
        if (pos < text.length() && (text.charAt(pos) == 'l' || text.charAt(pos) == 'L')) {
            pos++;
        }
        return new Token(Kind.DECIMAL, text.substring(start, pos), start);
    }

    /** The end of an exponent (e, optional sign, digits) starting at {@code at}, or {@code at} when there is none. */
    private int exponent(int at) {
        if (at >= text.length() || (text.charAt(at) != 'e' && text.charAt(at) != 'E')) {
            return at;
        }
        int digits = at + 1;
        if (digits < text.length() && (text.charAt(digits) == '+' || text.charAt(digits) == '-')) {
            digits++;
        }
        int end = skipDigits(digits);
        return end > digits ? end : at;
    }

    private int skipDigits(int at) {
        while (at < text.length() && isDigit(text.charAt(at))) {
            at++;
        }
        return at;
    }

    /** Single quotes; a quote inside is written twice. */
    private Token string(int start) {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (true) {
            if (i >= text.length()) {
                throw lexError(start, "a string that does not end");
            }
            char c = text.charAt(i);
            if (c == '\'') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    value.append('\'');
                    i += 2;
                    continue;
                }
                pos = i + 1;
                return new Token(Kind.STRING, value.toString(), start);
            }
            value.append(c);
            i++;
        }
    }

    private Token symbol(int start, char c) {
        String two = text.startsWith("<>", pos) ? "<>" : text.startsWith(">=", pos) ? ">=" : text.startsWith("<=", pos) ? "<=" : null;
        if (two != null) {
            pos += 2;
            return new Token(Kind.SYMBOL, two, start);
        }
        if ("=<>(),+-".indexOf(c) >= 0) {
            pos++;
            return new Token(Kind.SYMBOL, String.valueOf(c), start);
        }
        throw lexError(start, "unexpected character '" + c + "'");
    }

    private IllegalArgumentException lexError(int at, String message) {
        return new IllegalArgumentException(message + " (at " + (at + 1) + " in " + quoted() + ")");
    }

    private static String shortened(String literal) {
        return literal.length() <= 200 ? literal : literal.substring(0, 200) + "... (" + literal.length() + " digits)";
    }

    /** The expression for an error message: a selector may be megabytes long, its start and length do. */
    private String quoted() {
        return text.length() <= 200 ? "\"" + text + "\""
                : "\"" + text.substring(0, 200) + "...\" (" + text.length() + " characters)";
    }

    private static boolean isNameStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
