package dev.syncmat.examples.http;

import dev.syncmat.core.protocol.ErrorStatus;

/**
 * A refusal of the service itself (routing, authentication, its own bounds), carrying the
 * {@link ErrorStatus} it is answered with. Thrown and caught inside the service only; carries no
 * stack trace (it is an answer, not a failure). The library's exceptions are not wrapped in it:
 * {@link dev.syncmat.core.protocol.SyncProtocol#errorStatus(Throwable)} maps them.
 */
final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;

    final transient ErrorStatus error;

    HttpError(int status, String code, String message, String field) {
        this(ErrorStatus.of(status, code, message, field));
    }

    HttpError(ErrorStatus error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    /** A 503 that tells the client when to come back. */
    static HttpError unavailable(String code, String message) {
        return new HttpError(ErrorStatus.unavailable(code, message));
    }

    static HttpError notFound(String path) {
        return new HttpError(404, "not_found", "no such endpoint: " + path, null);
    }

    static HttpError tooLarge(int maxBodyBytes) {
        return new HttpError(ErrorStatus.bodyTooLarge(maxBodyBytes));
    }
}
