package dev.syncmat.examples.http;

import dev.syncmat.core.protocol.ErrorStatus;
import dev.syncmat.core.protocol.SyncProtocol;

import java.nio.charset.StandardCharsets;

/**
 * The JSON error form {@code {"error":{"code":..,"message":..,"field":..}}}, as
 * {@link SyncProtocol#errorBody(ErrorStatus)} writes it, shared by the service's own answers and
 * the errors Jetty raises before a request reaches the service; and the codes of the statuses
 * Jetty answers with by itself.
 */
final class JsonErrors {
    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private JsonErrors() {
    }

    /** The body of {@code error}, in UTF-8. */
    static byte[] body(ErrorStatus error) {
        return SyncProtocol.errorBody(error).getBytes(StandardCharsets.UTF_8);
    }

    /** The error code of a status Jetty answers with by itself. */
    static String codeOf(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 500 -> "internal";
            case 503 -> "unavailable";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }

    /** A message for a status Jetty answers with by itself, with Jetty's reason when it gave one. */
    static String messageOf(int status, String reason) {
        String what = switch (status) {
            case 400 -> "the HTTP request is malformed";
            case 404 -> "no such endpoint";
            case 405 -> "method not allowed";
            case 408 -> "the request did not arrive in time";
            case 413 -> "request body is too large";
            case 414 -> "request URI is too long";
            case 431 -> "request headers are too large";
            case 500 -> "internal error";
            case 503 -> "the service is unavailable, retry later";
            case 505 -> "HTTP version not supported";
            default -> "HTTP error " + status;
        };
        return reason == null || reason.isBlank() ? what : what + ": " + reason;
    }
}
