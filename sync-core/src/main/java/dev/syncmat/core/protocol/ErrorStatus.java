package dev.syncmat.core.protocol;

import java.util.Objects;

/**
 * How a service answers a failure: the HTTP status, the machine-readable error code, the message a
 * remote client may read, the field to blame (or null), and whether the same request may succeed
 * later (then {@link #retryAfterSeconds()} is the value of a {@code Retry-After} header).
 * {@link SyncProtocol#errorStatus(Throwable)} maps the library's exceptions to it, and
 * {@link SyncProtocol#writeError(ErrorStatus, java.io.OutputStream)} writes its body
 * {@code {"error":{"code":..,"message":..,"field":..}}}. An immutable value.
 *
 * @param status            the HTTP status, 400 to 599
 * @param code              the error code, e.g. {@code invalid_op}, {@code cursor_expired}, {@code store_unavailable}
 * @param message           a sentence for the client; never names hosts, SQL or other internals
 * @param field             the wire name of the field to blame, or null
 * @param retryable         whether sending the same request again later may succeed
 * @param retryAfterSeconds seconds to wait before retrying when {@code retryable}, else 0
 */
public record ErrorStatus(int status, String code, String message, String field, boolean retryable, int retryAfterSeconds) {
    /** The {@code Retry-After} of every retryable answer {@link SyncProtocol#errorStatus(Throwable)} gives. */
    public static final int RETRY_AFTER_SECONDS = 1;

    /** Checks the fields. */
    public ErrorStatus {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be between 400 and 599, but was " + status);
        }
        if (code == null || code.isEmpty()) {
            throw new IllegalArgumentException("code must be a non-empty string, but was " + (code == null ? "null" : "\"\""));
        }
        Objects.requireNonNull(message, "message");
        if (retryAfterSeconds < 0 || !retryable && retryAfterSeconds != 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0, and 0 unless retryable, but was "
                    + retryAfterSeconds + (retryable ? "" : " (not retryable)"));
        }
    }

    /** An answer that retrying the same request cannot change; {@code field} may be null. */
    public static ErrorStatus of(int status, String code, String message, String field) {
        return new ErrorStatus(status, code, message, field, false, 0);
    }

    /** A 503: the service is at one of its bounds, or its database failed in a passing way; retry after a second. */
    public static ErrorStatus unavailable(String code, String message) {
        return new ErrorStatus(503, code, message, null, true, RETRY_AFTER_SECONDS);
    }

    /** The 413 {@code body_too_large} of a request body over {@code maxBytes} (field {@code body}). */
    public static ErrorStatus bodyTooLarge(long maxBytes) {
        return of(413, "body_too_large", "request body is larger than " + maxBytes + " bytes", "body");
    }
}
