package dev.sluice.remoting;

/**
 * Sender language as carried in every command; the binary header uses {@link #code()}, JSON the name.
 * Languages this list does not know (newer clients add some) read as {@link #OTHER}: the field is informational.
 */
public enum LanguageCode {
    JAVA, CPP, DOTNET, PYTHON, DELPHI, ERLANG, RUBY, OTHER, HTTP, GO, PHP, OMS, RUST;

    /** values() copies the array on every call, and every command header names its language. */
    private static final LanguageCode[] ALL = values();

    public byte code() {
        return (byte) ordinal();
    }

    public static LanguageCode ofCode(int code) {
        return code >= 0 && code < ALL.length ? ALL[code] : OTHER;
    }

    public static LanguageCode ofName(String name) {
        for (LanguageCode language : ALL) {
            if (language.name().equals(name)) {
                return language;
            }
        }
        return OTHER;
    }
}
