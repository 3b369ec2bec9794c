package dev.sluice.client;

/**
 * A client operation failed. When a broker or name server refused the request, {@link #code()} and {@link #remark()}
 * carry its response code and remark unchanged; otherwise the code is {@link #NO_RESPONSE_CODE}.
 */
public class ClientException extends Exception {
    /** No server answered (connect failure, timeout, no route). */
    public static final int NO_RESPONSE_CODE = -1;

    private final int code;
    private final String remark;

    public ClientException(String message) {
        this(message, NO_RESPONSE_CODE, null, null);
    }

    public ClientException(String message, Throwable cause) {
        this(message, NO_RESPONSE_CODE, null, cause);
    }

    public ClientException(String message, int code, String remark, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.remark = remark;
    }

    public int code() {
        return code;
    }

    public String remark() {
        return remark;
    }
}
