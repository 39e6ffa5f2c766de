package dev.syncmat.examples.http;

/**
 * A refusal that maps to an HTTP status and the JSON error form. Thrown and caught inside the
 * service only; carries no stack trace (it is an answer, not a failure).
 */
final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final String field;
    /** Seconds for {@code Retry-After}, or 0 for none. */
    final int retryAfter;

    HttpError(int status, String code, String message, String field) {
        this(status, code, message, field, 0);
    }

    private HttpError(int status, String code, String message, String field, int retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    /** A 503 that tells the client when to come back. */
    static HttpError unavailable(String code, String message) {
        return new HttpError(503, code, message, null, 1);
    }

    static HttpError notFound(String path) {
        return new HttpError(404, "not_found", "no such endpoint: " + path, null);
    }

    static HttpError tooLarge(int maxBodyBytes) {
        return new HttpError(413, "body_too_large", "request body is larger than " + maxBodyBytes + " bytes", "body");
    }
}
