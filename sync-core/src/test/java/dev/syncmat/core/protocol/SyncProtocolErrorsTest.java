package dev.syncmat.core.protocol;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.SyncException;
import dev.syncmat.core.merge.OpIdReusedException;
import dev.syncmat.core.op.InvalidOpException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the protocol answers failures: status, code, Retry-After, and the error body, byte for byte. */
class SyncProtocolErrorsTest {
    /** A failure of a storage adapter that may pass. */
    private static final class PassingFailure extends SyncException {
        PassingFailure() {
            super("connection to db-7.internal:5432 refused");
        }

        @Override
        public boolean isRetryable() {
            return true;
        }

        @Override
        public String code() {
            return "store_unavailable";
        }

        @Override
        public String clientMessage() {
            return "the database is unavailable, retry later";
        }
    }

    @Test
    void inputErrorsAre400WithTheirCodeMessageAndField() {
        ErrorStatus op = SyncProtocol.errorStatus(new InvalidOpException("c1-17", "ops[3].clock", "clock must not be empty"));
        assertThat(op).isEqualTo(new ErrorStatus(400, "invalid_op", "op \"c1-17\": clock must not be empty", "ops[3].clock", false, 0));
        assertThat(SyncProtocol.errorStatus(new OpIdReusedException("p-3")))
                .isEqualTo(ErrorStatus.of(400, "op_id_reused", "opId \"p-3\" was already used for an op with other content", "opId"));
        assertThat(SyncProtocol.errorStatus(new InvalidInputException("limit", "limit must be between 1 and 1000, but was 0")))
                .isEqualTo(ErrorStatus.of(400, "invalid_input", "limit must be between 1 and 1000, but was 0", "limit"));
    }

    @Test
    void anExpiredCursorIs410AndOtherRefusedCursorsAre400() {
        assertThat(SyncProtocol.errorStatus(new InvalidCursorException(InvalidCursorException.Problem.EXPIRED, "gone")))
                .isEqualTo(ErrorStatus.of(410, "cursor_expired", "gone", "sinceCursor"));
        assertThat(SyncProtocol.errorStatus(new InvalidCursorException(InvalidCursorException.Problem.OTHER_TENANT, "theirs")))
                .isEqualTo(ErrorStatus.of(400, "invalid_cursor", "theirs", "sinceCursor"));
        assertThat(SyncProtocol.errorStatus(new InvalidCursorException(InvalidCursorException.Problem.MALFORMED, "junk")).status())
                .isEqualTo(400);
    }

    @Test
    void aRetryableFailureIs503WithRetryAfterAndHidesItsMessage() {
        ErrorStatus e = SyncProtocol.errorStatus(new PassingFailure());
        assertThat(e).isEqualTo(new ErrorStatus(503, "store_unavailable", "the database is unavailable, retry later", null, true, 1));
        assertThat(e.message()).doesNotContain("db-7");
    }

    @Test
    void otherFailuresAre500AndSayNothingOfTheirCause() {
        assertThat(SyncProtocol.errorStatus(new SyncException("SELECT * FROM secret failed")))
                .isEqualTo(ErrorStatus.of(500, "internal", "internal error", null));
        assertThat(SyncProtocol.errorStatus(new IllegalStateException("bug at Foo.java:12")))
                .isEqualTo(ErrorStatus.of(500, "internal", "internal error", null));
    }

    @Test
    void wrappersOfAsynchronousWorkAreLookedThrough() {
        InvalidInputException cause = new InvalidInputException("scope.tags", "scope.tags must be an array of strings");
        assertThat(SyncProtocol.errorStatus(new CompletionException(new ExecutionException(cause))))
                .isEqualTo(SyncProtocol.errorStatus(cause));
        assertThat(SyncProtocol.errorStatus(new CompletionException(new PassingFailure())).status()).isEqualTo(503);
    }

    @Test
    void theBodyIsTheErrorFormWithTheFieldOnlyWhenThereIsOne() throws Exception {
        assertThat(SyncProtocol.errorBody(ErrorStatus.of(400, "invalid_op", "op \"é\": tags must be strings", "ops[0].tags")))
                .isEqualTo("{\"error\":{\"code\":\"invalid_op\",\"message\":\"op \\\"é\\\": tags must be strings\",\"field\":\"ops[0].tags\"}}");
        assertThat(SyncProtocol.errorBody(ErrorStatus.unavailable("tenant_busy", "retry later")))
                .isEqualTo("{\"error\":{\"code\":\"tenant_busy\",\"message\":\"retry later\"}}");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ErrorStatus written = SyncProtocol.writeError(new InvalidOpException("ops[0].tags", "tag \"ü\" is too long"), bytes);
        assertThat(written.status()).isEqualTo(400);
        assertThat(bytes.toByteArray()).isEqualTo(
                "{\"error\":{\"code\":\"invalid_op\",\"message\":\"tag \\\"ü\\\" is too long\",\"field\":\"ops[0].tags\"}}"
                        .getBytes(StandardCharsets.UTF_8));
        StringWriter text = new StringWriter();
        SyncProtocol.writeError(written, text);
        assertThat(text.toString()).isEqualTo(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }

    @Test
    void aStatusOutsideTheErrorsOrARetryAfterWithoutRetryIsRefused() {
        assertThatThrownBy(() -> ErrorStatus.of(200, "ok", "fine", null)).hasMessageContaining("between 400 and 599, but was 200");
        assertThatThrownBy(() -> new ErrorStatus(500, "internal", "x", null, false, 5)).hasMessageContaining("0 unless retryable");
        assertThatThrownBy(() -> ErrorStatus.of(400, "", "x", null)).hasMessageContaining("code");
        assertThat(ErrorStatus.bodyTooLarge(16)).isEqualTo(ErrorStatus.of(413, "body_too_large",
                "request body is larger than 16 bytes", "body"));
    }
}
