package dev.sluice.remoting.protocol;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON header of the shape clients send (known top-level keys, integer numbers, string extFields values)
 * straight from its bytes into a command, without building the document as maps and strings first: the generic
 * parse and the copy into extFields were most of the broker's remoting CPU and allocation per send. Anything else
 * (unknown keys, non-string field values, odd whitespace, malformed input) makes it give up and return null, and the
 * caller parses the header the generic way, which also produces the errors; so this only ever agrees with it.
 */
final class JsonHeaderScanner {
    private final byte[] in;
    private int pos;
    /** Scratch for strings with escapes, reused within one header. */
    private char[] chars;

    private JsonHeaderScanner(byte[] in) {
        this.in = in;
    }

    /** The command, or null when the header is not of the simple shape (the caller then parses it generically). */
    static RemotingCommand scan(byte[] header) {
        return new JsonHeaderScanner(header).command();
    }

    private RemotingCommand command() {
        RemotingCommand command = new RemotingCommand();
        command.setVersion(0); // what the generic parse gives a header without one
        boolean sawCode = false;
        boolean sawExtFields = false;
        if (!skipTo('{')) {
            return null;
        }
        pos++;
        if (!skipSpace()) {
            return null;
        }
        if (in[pos] == '}') {
            return null; // no code: the generic parse reports it
        }
        while (true) {
            String key = string();
            if (key == null || !skipTo(':')) {
                return null;
            }
            pos++;
            if (!skipSpace()) {
                return null;
            }
            switch (key) {
                case "code" -> {
                    if (!(sawCode = setInt(command, 0))) {
                        return null;
                    }
                }
                case "flag" -> {
                    if (!setInt(command, 1)) {
                        return null;
                    }
                }
                case "opaque" -> {
                    if (!setInt(command, 2)) {
                        return null;
                    }
                }
                case "version" -> {
                    if (!setInt(command, 3)) {
                        return null;
                    }
                }
                case "language" -> {
                    String name = string();
                    if (name == null) {
                        return null;
                    }
                    command.setLanguage(LanguageCode.ofName(name));
                }
                case "remark" -> {
                    if (in[pos] == 'n') {
                        if (!word("null")) {
                            return null;
                        }
                        command.setRemark(null);
                    } else {
                        String remark = string();
                        if (remark == null) {
                            return null;
                        }
                        command.setRemark(remark);
                    }
                }
                case "serializeTypeCurrentRPC" -> {
                    if (string() == null) {
                        return null;
                    }
                }
                case "extFields" -> {
                    // A repeated extFields replaces the first in the generic parse; merging would differ.
                    if (sawExtFields || !(sawExtFields = extFields(command))) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
            if (!skipSpace()) {
                return null;
            }
            byte c = in[pos++];
            if (c == '}') {
                break;
            }
            if (c != ',' || !skipSpace()) {
                return null;
            }
        }
        if (skipSpace()) {
            return null; // trailing characters
        }
        return sawCode ? command : null;
    }

    private boolean extFields(RemotingCommand command) {
        if (in[pos] != '{') {
            return false;
        }
        pos++;
        if (!skipSpace()) {
            return false;
        }
        if (in[pos] == '}') {
            pos++;
            return true;
        }
        while (true) {
            String name = string();
            if (name == null || !skipTo(':')) {
                return false;
            }
            pos++;
            if (!skipSpace()) {
                return false;
            }
            // Null or non-string values (dropped or re-serialized by the generic parse) are left to it.
            String value = string();
            if (value == null) {
                return false;
            }
            command.putExtField(name, value);
            if (!skipSpace()) {
                return false;
            }
            byte c = in[pos++];
            if (c == '}') {
                return true;
            }
            if (c != ',' || !skipSpace()) {
                return false;
            }
        }
    }

    /** An int in plain decimal; anything longer than 10 digits or out of range is left to the generic parse. */
    private boolean setInt(RemotingCommand command, int which) {
        boolean negative = in[pos] == '-';
        if (negative) {
            pos++;
        }
        int start = pos;
        long magnitude = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            magnitude = magnitude * 10 + (in[pos++] - '0');
        }
        int digits = pos - start;
        if (digits == 0 || digits > 10 || (pos < in.length && isNumberChar(in[pos]))) {
            return false;
        }
        long signed = negative ? -magnitude : magnitude;
        if (signed < Integer.MIN_VALUE || signed > Integer.MAX_VALUE) {
            return false;
        }
        int value = (int) signed;
        switch (which) {
            case 0 -> command.setCode(value);
            case 1 -> command.setFlag(value);
            case 2 -> command.setOpaque(value);
            default -> command.setVersion(value);
        }
        return true;
    }

    private static boolean isNumberChar(byte b) {
        return b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-';
    }

    /** A JSON string at pos, or null. Plain ones are decoded from the bytes in one go. */
    private String string() {
        if (pos >= in.length || in[pos] != '"') {
            return null;
        }
        int start = ++pos;
        boolean ascii = true;
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                pos++;
                return new String(in, start, pos - 1 - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            }
            if (b == '\\') {
                return ascii ? escaped(start) : null;
            }
            if (b < 0) {
                ascii = false;
            }
            pos++;
        }
        return null;
    }

    /** The rest of an ASCII string from its first escape at pos; non-ASCII text with escapes is left to the generic parse. */
    private String escaped(int start) {
        int length = pos - start;
        if (chars == null || chars.length < in.length) {
            chars = new char[in.length];
        }
        for (int i = 0; i < length; i++) {
            chars[i] = (char) in[start + i];
        }
        while (pos < in.length) {
            byte b = in[pos++];
            if (b == '"') {
                return new String(chars, 0, length);
            }
            if (b < 0) {
                return null;
            }
            if (b != '\\') {
                chars[length++] = (char) b;
                continue;
            }
            if (pos >= in.length) {
                return null;
            }
            byte e = in[pos++];
            char c;
            switch (e) {
                case '"', '\\', '/' -> c = (char) e;
                case 'b' -> c = '\b';
                case 'f' -> c = '\f';
                case 'n' -> c = '\n';
                case 'r' -> c = '\r';
                case 't' -> c = '\t';
                case 'u' -> {
                    if (pos + 4 > in.length) {
                        return null;
                    }
                    int value = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(in[pos++], 16);
                        if (digit < 0) {
                            return null;
                        }
                        value = value * 16 + digit;
                    }
                    c = (char) value;
                }
                default -> {
                    return null;
                }
            }
            chars[length++] = c;
        }
        return null;
    }

    private boolean word(String word) {
        if (pos + word.length() > in.length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += word.length();
        return true;
    }

    /** Skips plain whitespace; true when a character follows. */
    private boolean skipSpace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return true;
            }
            pos++;
        }
        return false;
    }

    private boolean skipTo(char expected) {
        return skipSpace() && in[pos] == expected;
    }
}
