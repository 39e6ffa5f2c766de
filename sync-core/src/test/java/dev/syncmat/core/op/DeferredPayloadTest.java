package dev.syncmat.core.op;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A deferred payload reads its text once, when first needed, and is then the payload that text makes. */
class DeferredPayloadTest {
    @Test
    void readsItsTextOnceWhenFirstNeededAndEqualsTheEagerPayload() {
        AtomicInteger reads = new AtomicInteger();
        Payload deferred = Payload.deferred(() -> {
            reads.incrementAndGet();
            return "{\"a\":[1,\"\u00e9\"]}";
        });
        Payload eager = Payload.parse("{ \"a\" : [1, \"\u00e9\"] }");
        assertThat(reads).hasValue(0);
        assertThat(deferred).isEqualTo(eager);
        assertThat(deferred.hashCode()).isEqualTo(eager.hashCode());
        assertThat(Payload.compare(deferred, Payload.parse("{\"b\":1}"))).isNegative();
        assertThat(deferred.utf8Length()).isEqualTo(14);
        assertThat(deferred.depth()).isEqualTo(2);
        assertThat(deferred.json()).isEqualTo(eager.json());
        assertThat(reads).hasValue(1);
    }

    @Test
    void aFailingSourceFailsEveryReaderUntilItSucceeds() {
        AtomicInteger reads = new AtomicInteger();
        Payload deferred = Payload.deferred(() -> {
            if (reads.incrementAndGet() < 3) {
                throw new IllegalStateException("row gone");
            }
            return "1";
        });
        assertThatThrownBy(deferred::json).hasMessage("row gone");
        assertThatThrownBy(() -> Payload.compare(deferred, Payload.parse("2"))).hasMessage("row gone");
        assertThat(deferred.json()).isEqualTo("1");
        assertThat(reads).hasValue(3);
    }
}
