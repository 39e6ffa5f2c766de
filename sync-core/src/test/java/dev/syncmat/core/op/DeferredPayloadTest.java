package dev.syncmat.core.op;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** A source of texts by key that records every call's keys; "gone" is a key it does not have. */
    private static final class Texts {
        final List<List<String>> calls = new ArrayList<>();
        final Payload.Source source = Payload.source(keys -> {
            calls.add(List.copyOf(keys));
            Map<String, String> found = new HashMap<>();
            for (String k : keys) {
                if (!k.equals("gone")) {
                    found.put(k, "{\"k\":\"" + k + "\"}");
                }
            }
            return found;
        }, key -> new IllegalStateException("no row for " + key));
    }

    @Test
    void payloadsOfASourceReadTogetherInOneCallAndEqualTheEagerOnes() {
        Texts t = new Texts();
        Payload a = t.source.payload("a");
        Payload b = t.source.payload("b");
        Payload c = t.source.payload("c");
        Payload a2 = t.source.payload("a");
        Payload eager = Payload.parse("{\"k\":\"z\"}");
        Payload plain = Payload.deferred(() -> "7");
        Payload.readTogether(java.util.Arrays.asList(a, b, a2, eager, plain, null));
        assertThat(t.calls).hasSize(1);
        assertThat(t.calls.get(0)).containsExactlyInAnyOrder("a", "b");
        // Read already: no more calls, and the same text as an eager payload of it.
        assertThat(a).isEqualTo(Payload.parse("{ \"k\" : \"a\" }"));
        assertThat(a2.json()).isEqualTo("{\"k\":\"a\"}");
        assertThat(b.utf8Length()).isEqualTo(9);
        assertThat(t.calls).hasSize(1);
        // One not read together is read alone when needed; one read already is not read again.
        assertThat(Payload.compare(c, b)).isPositive();
        assertThat(t.calls).containsExactly(List.of("a", "b"), List.of("c"));
        Payload.readTogether(List.of(a, b, c));
        assertThat(t.calls).hasSize(2);
        assertThat(plain.json()).isEqualTo("7");
    }

    @Test
    void aKeyTheSourceLacksIsLeftUnreadByReadTogetherAndFailsOnlyWhenNeeded() {
        Texts t = new Texts();
        Payload gone = t.source.payload("gone");
        Payload here = t.source.payload("here");
        Payload.readTogether(List.of(gone, here));
        assertThat(here.json()).isEqualTo("{\"k\":\"here\"}");
        assertThat(t.calls).containsExactly(List.of("gone", "here"));
        assertThatThrownBy(gone::json).isInstanceOf(IllegalStateException.class).hasMessage("no row for gone");
        assertThat(t.calls).hasSize(2);
    }
}
