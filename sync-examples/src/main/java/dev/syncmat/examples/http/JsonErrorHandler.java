package dev.syncmat.examples.http;

import dev.syncmat.core.protocol.ErrorStatus;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * Answers the errors Jetty raises by itself (a request it cannot parse, a bad escape in the path,
 * a bad Content-Length or chunk size, a URI or headers over the limit) in the service's JSON error
 * form, whatever the request's {@code Accept} says: clients parse one error form only. Stateless
 * and thread-safe.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        Throwable cause = (Throwable) request.getAttribute(ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            status = http.getCode();
            response.setStatus(status);
            if (reason == null) {
                reason = http.getReason();
            }
        }
        if (status >= 500) {
            LOG.error("{} from the HTTP server for {} {}", status, request.getMethod(), request.getHttpURI().getPath(), cause);
        } else {
            LOG.debug("{} from the HTTP server for {} {}: {}", status, request.getMethod(), request.getHttpURI().getPath(), reason);
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (HttpStatus.hasNoBody(status) || HttpMethod.HEAD.is(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        if (reason != null && reason.equals(HttpStatus.getMessage(status))) {
            reason = null;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
        // The value's status only checks the range: the status line is already set.
        int checked = status >= 400 && status <= 599 ? status : 500;
        response.write(true, ByteBuffer.wrap(JsonErrors.body(ErrorStatus.of(checked, JsonErrors.codeOf(status),
                JsonErrors.messageOf(status, reason), null))), callback);
        return true;
    }
}
