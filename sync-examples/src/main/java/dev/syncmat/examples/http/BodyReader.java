package dev.syncmat.examples.http;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Reads a request body without holding a thread while it waits: it takes what has arrived, asks
 * Jetty to call it back when there is more ({@link Request#demand}), and stops as soon as the
 * body passes the cap, whether a Content-Length announced it or not (chunked). Exactly one of the
 * two consumers is called, once. Not thread-safe, and need not be: Jetty calls back one demand at
 * a time.
 */
final class BodyReader implements Runnable {
    private final Request request;
    private final int maxBytes;
    private final Consumer<byte[]> onBody;
    private final Consumer<Throwable> onFailure;
    private byte[] buffer;
    private int size;

    private BodyReader(Request request, int maxBytes, Consumer<byte[]> onBody, Consumer<Throwable> onFailure) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.onBody = onBody;
        this.onFailure = onFailure;
    }

    /**
     * Starts reading. {@code onFailure} gets an {@link HttpError} for a body over the cap or one
     * that stopped arriving (408), an {@link HttpException} for a body Jetty could not parse (a bad
     * chunk), or the I/O failure of a connection that went away.
     */
    static void read(Request request, int maxBytes, Consumer<byte[]> onBody, Consumer<Throwable> onFailure) {
        long declared = request.getLength();
        if (declared > maxBytes) {
            onFailure.accept(HttpError.tooLarge(maxBytes));
            return;
        }
        BodyReader reader = new BodyReader(request, maxBytes, onBody, onFailure);
        reader.buffer = new byte[declared > 0 ? (int) declared : 8192];
        reader.run();
    }

    /** Strict UTF-8, as the protocol requires: no replacement characters. */
    static String utf8(byte[] body) throws HttpError {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "invalid_input", "body is not valid UTF-8", "body");
        }
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // A transient failure is the idle timeout; either way this body is over.
                Throwable failure = chunk.getFailure();
                onFailure.accept(failure instanceof TimeoutException
                        ? new HttpError(408, "request_timeout", "the request body stopped arriving", "body")
                        : failure);
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            if (n > maxBytes - size) {
                chunk.release();
                // What is left unread makes Jetty close the connection after the answer.
                onFailure.accept(HttpError.tooLarge(maxBytes));
                return;
            }
            if (size + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes, Math.max((long) size + n, 2L * buffer.length)));
            }
            bytes.get(buffer, size, n);
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                onBody.accept(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                return;
            }
        }
    }
}
