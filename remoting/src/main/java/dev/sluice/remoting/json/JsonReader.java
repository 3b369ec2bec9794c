package dev.sluice.remoting.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for the JSON dialect fastjson 1.2.x writes. Besides standard JSON it accepts
 * unquoted numeric object keys ({@code {0:"a"}}), which fastjson emits for maps keyed by Integer/Long;
 * such keys are returned as their decimal text so lookups do not depend on how the peer quoted them.
 * An object used as a key ({@code {{"brokerName":"b","queueId":0,"topic":"t"}:7}}, fastjson's form of a map keyed
 * by MessageQueue) is returned as its standard JSON text, which {@link Json#parse(String)} turns back into a map.
 */
final class JsonReader {
    /** Bounds recursion so a hostile "[[[[..." cannot exhaust the stack of a server thread. */
    private static final int MAX_DEPTH = 256;
    /**
     * Longer number literals are refused: no long or double needs more, and parsing a BigDecimal of n digits costs
     * n squared (a 2-million-digit header field held an I/O thread for minutes).
     */
    static final int MAX_NUMBER_LENGTH = 64;

    private final String text;
    private int pos;
    private int depth;

    JsonReader(String text) {
        this.text = text;
    }

    Object readDocument() {
        Object value = readValue();
        skipWhitespace();
        if (pos != text.length()) {
            throw error("trailing characters");
        }
        return value;
    }

    private Object readValue() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return readObject();
            case '[':
                return readArray();
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw error("unexpected character " + describe(c));
        }
    }

    private Map<String, Object> readObject() {
        enter();
        pos++;
        Map<String, Object> object = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return object;
        }
        while (true) {
            skipWhitespace();
            String key = readKey();
            skipWhitespace();
            expect(':');
            object.put(key, readValue());
            skipWhitespace();
            char c = next();
            if (c == '}') {
                depth--;
                return object;
            }
            if (c != ',') {
                throw error("expected ',' or '}' in object");
            }
        }
    }

    private String readKey() {
        char c = peek();
        if (c == '"') {
            return readString();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return readNumber().toString();
        }
        if (c == '{') {
            return Json.writeStandard(readObject());
        }
        throw error("expected an object key");
    }

    private List<Object> readArray() {
        enter();
        pos++;
        List<Object> array = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return array;
        }
        while (true) {
            array.add(readValue());
            skipWhitespace();
            char c = next();
            if (c == ']') {
                depth--;
                return array;
            }
            if (c != ',') {
                throw error("expected ',' or ']' in array");
            }
        }
    }

    private String readString() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(readHexChar());
                default -> throw error("bad escape \\ followed by " + describe(e));
            }
        }
    }

    private char readHexChar() {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private Number readNumber() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            int length = pos - start;
            pos = start;
            throw error("number of " + length + " characters (at most " + MAX_NUMBER_LENGTH + ")");
        }
        String literal = text.substring(start, pos);
        try {
            if (integral && literal.length() <= 18) {
                return Long.parseLong(literal);
            }
            return new BigDecimal(literal);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number '" + literal + "'");
        }
    }

    private void expectWord(String word) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    /** Hostile input ends up in log lines: never echo control or non-ASCII characters raw. */
    private static String describe(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private JsonException error(String what) {
        return new JsonException(what + " at offset " + pos);
    }
}
