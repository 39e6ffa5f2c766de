package dev.syncmat.examples.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.syncmat.core.json.SyncJson;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes a 200 JSON answer straight to the response with a Jackson generator, as it is produced:
 * a store call that streams (history today, pulls later) never holds its whole answer in memory.
 * Nothing reaches the client until {@value #BUFFER_BYTES} bytes are ready, so an answer that fails
 * before that can still be replaced by an error; after that the failure can only cut the
 * connection. Blocks the calling thread (a store thread) while the client reads; the idle timeout
 * bounds a client that stops reading. Stateless and thread-safe.
 */
final class JsonBody {
    /** How much of an answer is kept back before the status line is sent. */
    static final int BUFFER_BYTES = 32 * 1024;
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonBody() {
    }

    /**
     * Sends status 200 and the JSON {@code writer} writes, calling {@code beforeLast} just before
     * the last bytes go out. On an exception the generator is not closed, so a half-written
     * document is never completed and sent as if whole.
     */
    static void write(Response response, SyncJson.JsonWriter writer, Runnable beforeLast) throws IOException {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
        JsonGenerator g = FACTORY.createGenerator(new ResponseStream(response, beforeLast));
        writer.write(g);
        // Closing flushes the generator into the stream, and closing the stream sends the last bytes.
        g.close();
    }

    /**
     * Sends full buffers as they fill and the rest on close, as the last write: an answer that fits
     * in one buffer goes out with a Content-Length, a longer one chunked. {@code flush} sends
     * nothing, so the generator's flushes do not commit the response early.
     */
    private static final class ResponseStream extends OutputStream {
        private final Response response;
        private final Runnable beforeLast;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int size;

        ResponseStream(Response response, Runnable beforeLast) {
            this.response = response;
            this.beforeLast = beforeLast;
        }

        @Override
        public void write(int b) throws IOException {
            if (size == buffer.length) {
                send(false);
            }
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (size == buffer.length) {
                    send(false);
                }
                int n = Math.min(len, buffer.length - size);
                System.arraycopy(b, off, buffer, size, n);
                size += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() {
            // Deliberately nothing: see the class comment.
        }

        @Override
        public void close() throws IOException {
            send(true);
        }

        private void send(boolean last) throws IOException {
            if (last) {
                beforeLast.run();
            }
            // Blocks until Jetty has taken the bytes, so the buffer can be reused.
            Content.Sink.write(response, last, ByteBuffer.wrap(buffer, 0, size));
            size = 0;
        }
    }
}
