package dev.sluice.remoting;

/** Sender language as carried in every command; the binary header uses {@link #code()}, JSON the name. */
public enum LanguageCode {
    JAVA, CPP, DOTNET, PYTHON, DELPHI, ERLANG, RUBY, OTHER, HTTP, GO, PHP, OMS, RUST;

    public byte code() {
        return (byte) ordinal();
    }

    public static LanguageCode ofCode(int code) {
        LanguageCode[] all = values();
        if (code < 0 || code >= all.length) {
            throw new IllegalArgumentException("unknown language code " + code);
        }
        return all[code];
    }
}
