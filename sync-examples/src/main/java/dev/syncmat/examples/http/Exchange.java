package dev.syncmat.examples.http;

import dev.syncmat.core.protocol.ErrorStatus;
import dev.syncmat.core.protocol.SyncProtocol;
import dev.syncmat.jdbi.StoreException;
import dev.syncmat.jdbi.TooManyWaitersException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request from its arrival to its answer, as it passes from Jetty's threads to a store thread
 * and back. It owns the rule that every request ends exactly once: {@link #succeed}, {@link #fail}
 * or {@link #abort} completes Jetty's callback and gives back the tenant's permit, whatever was
 * thrown, an {@link Error} included. Used by one thread at a time (each hands it on to the next);
 * the end is guarded against a second call.
 */
final class Exchange {
    static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    final Request request;
    final Response response;
    private final Callback callback;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile String tenant;
    private volatile Runnable releasePermit;
    private volatile boolean bodyRead;

    Exchange(Request request, Response response, Callback callback, Runnable onEnd) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.onEnd = onEnd;
    }

    /** The raw (still percent-encoded) path. */
    String path() {
        String path = request.getHttpURI().getPath();
        return path == null ? "" : path;
    }

    /** The tenant the request acts for, once authenticated (for the log). */
    void tenant(String value) {
        this.tenant = value;
    }

    /** The request holds one of its tenant's permits, which {@code release} gives back. */
    void holdPermit(Runnable release) {
        this.releasePermit = release;
    }

    /**
     * Gives back the tenant's permit (once; the end does it too). Called just before the last
     * bytes of an answer go out, so that a client that sends its next request as soon as it has
     * read this answer finds the permit free.
     */
    void releasePermit() {
        Runnable release = releasePermit;
        if (release != null && released.compareAndSet(false, true)) {
            release.run();
        }
    }

    /** The request body has been read to its end. */
    void bodyRead() {
        this.bodyRead = true;
    }

    /** The answer has been sent in full. */
    void succeed() {
        if (end()) {
            callback.succeeded();
        }
    }

    /**
     * Answers with the error {@code failure} maps to, in the JSON form, and logs 5xx answers. When
     * part of the answer has been sent already, the response is cut instead.
     */
    void fail(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (ended.get()) {
            LOG.debug("failure after the end of {} {}", request.getMethod(), path(), t);
            return;
        }
        if (t instanceof UncheckedIOException u) {
            t = u.getCause();
        }
        if (t instanceof IOException) {
            // Reading the body or writing the answer failed: the client went away or stopped reading.
            LOG.debug("{} {} tenant {}: client went away: {}", request.getMethod(), path(), tenant, t.toString());
            abort(t);
            return;
        }
        ErrorStatus error = toErrorStatus(t);
        if (error.status() >= 500) {
            if (error.status() == 500) {
                LOG.error("500 {} {} tenant {}: {}", request.getMethod(), path(), tenant, t.toString(), t);
            } else {
                LOG.warn("503 {} {} tenant {}: {}: {}", request.getMethod(), path(), tenant, error.code(),
                        t instanceof StoreException ? t.getMessage() : error.message());
            }
        }
        if (response.isCommitted()) {
            abort(t);
            return;
        }
        try {
            response.reset();
            send(error);
        } catch (Throwable again) {
            again.addSuppressed(t);
            abort(again);
        }
    }

    /** Cuts the response (closing the connection), for an answer that cannot be completed. */
    void abort(Throwable failure) {
        if (end()) {
            callback.failed(failure);
        }
    }

    private void send(ErrorStatus error) {
        response.setStatus(error.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
        if (error.status() == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        if (error.retryAfterSeconds() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(error.retryAfterSeconds()));
        }
        if (!bodyRead && hasBody()) {
            // The rest of the body stays unread; say now that the connection will not be reused.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        releasePermit();
        response.write(true, ByteBuffer.wrap(JsonErrors.body(error)),
                Callback.from(this::succeed, this::abort));
    }

    private boolean hasBody() {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        try {
            releasePermit();
        } finally {
            onEnd.run();
        }
        return true;
    }

    /** The service's own refusals and Jetty's body failures here; the library's exceptions by {@link SyncProtocol#errorStatus}. */
    private static ErrorStatus toErrorStatus(Throwable t) {
        if (t instanceof HttpError e) {
            return e.error;
        }
        if (t instanceof TooManyWaitersException) {
            return ErrorStatus.unavailable("too_many_waiters", "too many live pulls are waiting, retry later");
        }
        if (t instanceof CancellationException) {
            // Only live pulls are cancelled, when the service stops.
            return ErrorStatus.unavailable("shutting_down", "the service is stopping, retry later");
        }
        if (t instanceof HttpException e) {
            // Jetty could not read the body (a bad chunk): the client's fault.
            int status = e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400;
            return ErrorStatus.of(status, JsonErrors.codeOf(status), JsonErrors.messageOf(status, e.getReason()), null);
        }
        return SyncProtocol.errorStatus(t);
    }
}
