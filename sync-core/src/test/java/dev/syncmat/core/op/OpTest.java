package dev.syncmat.core.op;

import dev.syncmat.core.Limits;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.VectorClock;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpTest {
    private static final String ROCKET = "\uD83D\uDE80"; // one code point, two UTF-16 units
    private static final String FULLWIDTH_TILDE = "\uFF5E";
    private static final Instant TIME = Instant.parse("2026-11-24T10:00:00Z");

    private static Op.Builder valid() {
        return Op.builder().opId("op-1").objectId("note-1").objectType("note").kind(OpKind.UPDATE)
                .clock(VectorClock.of("c1", 1)).payload(Payload.parse("{\"t\":1}")).tags(List.of("inbox"))
                .timestamp(TIME);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(Op.Builder builder, String field) {
        return assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(InvalidOpException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.code()).isEqualTo("invalid_op");
                });
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOverLimit(Op op, Limits limits, String field) {
        return assertThatThrownBy(() -> op.checkLimits(limits))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    private static VectorClock clockWithActors(int count) {
        Map<String, Long> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("actor-" + i, 1L);
        }
        return VectorClock.of(entries);
    }

    private static List<String> tags(int count) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tags.add("tag-" + i);
        }
        return tags;
    }

    @Test
    void validBuilderBuildsAnOpWithEveryField() {
        Op op = valid().build();
        assertThat(op.opId()).isEqualTo("op-1");
        assertThat(op.objectId()).isEqualTo("note-1");
        assertThat(op.objectType()).isEqualTo("note");
        assertThat(op.kind()).isEqualTo(OpKind.UPDATE);
        assertThat(op.isDelete()).isFalse();
        assertThat(op.clock()).isEqualTo(VectorClock.of("c1", 1));
        assertThat(op.payload().json()).isEqualTo("{\"t\":1}");
        assertThat(op.tags()).containsExactly("inbox");
        assertThat(op.timestamp()).isEqualTo(TIME);
    }

    @Test
    void factoriesBuildUpdatesAndDeletesWithoutTagsOrTimestamp() {
        Op update = Op.update("u1", "o1", "t", VectorClock.of("a", 1), Payload.parse("null"));
        assertThat(update.kind()).isEqualTo(OpKind.UPDATE);
        assertThat(update.payload().json()).isEqualTo("null");
        assertThat(update.tags()).isEmpty();
        assertThat(update.timestamp()).isNull();
        Op delete = Op.delete("d1", "o1", "t", VectorClock.of("a", 2));
        assertThat(delete.isDelete()).isTrue();
        assertThat(delete.payload()).isNull();
        assertThat(delete.tags()).isEmpty();
    }

    @Test
    void missingOpIdIsRejected() {
        assertInvalid(valid().opId(null), "opId").hasMessage("opId is required");
    }

    @Test
    void emptyOpIdIsRejected() {
        assertInvalid(valid().opId(""), "opId").hasMessage("opId must not be empty");
    }

    @Test
    void missingObjectIdIsRejectedNamingTheOp() {
        assertInvalid(valid().objectId(null), "objectId").hasMessage("op \"op-1\": objectId is required");
    }

    @Test
    void emptyObjectIdIsRejected() {
        assertThatThrownBy(() -> valid().objectId("").build())
                .isInstanceOfSatisfying(InvalidOpException.class, e -> {
                    assertThat(e.field()).isEqualTo("objectId");
                    assertThat(e.opId()).isEqualTo("op-1");
                    assertThat(e.reason()).isEqualTo("objectId must not be empty");
                });
    }

    @Test
    void missingObjectTypeIsRejected() {
        assertInvalid(valid().objectType(null), "objectType").hasMessageContaining("objectType is required");
    }

    @Test
    void emptyObjectTypeIsRejected() {
        assertInvalid(valid().objectType(""), "objectType").hasMessageContaining("objectType must not be empty");
    }

    @Test
    void missingKindIsRejected() {
        assertInvalid(valid().kind(null), "kind").hasMessageContaining("kind must be \"update\" or \"delete\"");
    }

    @Test
    void missingClockIsRejected() {
        assertInvalid(valid().clock(null), "clock").hasMessageContaining("clock must have at least one actor");
    }

    @Test
    void emptyClockIsRejected() {
        assertInvalid(valid().clock(VectorClock.empty()), "clock").hasMessageContaining("clock must have at least one actor");
    }

    @Test
    void updateWithoutPayloadIsRejected() {
        assertInvalid(valid().payload(null), "payload").hasMessageContaining("payload is required for an update");
    }

    @Test
    void deleteWithPayloadIsRejected() {
        assertInvalid(valid().kind(OpKind.DELETE), "payload").hasMessageContaining("payload must be absent for a delete");
        assertInvalid(valid().kind(OpKind.DELETE).payload(Payload.parse("null")), "payload")
                .hasMessageContaining("payload must be absent for a delete");
    }

    @Test
    void emptyTagIsRejected() {
        assertInvalid(valid().tags(List.of("a", "")), "tags").hasMessageContaining("tags must not contain an empty string");
    }

    @Test
    void nullTagIsRejected() {
        assertInvalid(valid().tags(Arrays.asList("a", null)), "tags").hasMessageContaining("tags must not contain null");
    }

    @Test
    void tagWithNulIsRejected() {
        assertInvalid(valid().tags(List.of("a\u0000")), "tags").hasMessageContaining("U+0000");
    }

    @Test
    void nulInAnIdIsRejected() {
        assertInvalid(valid().objectId("a\u0000b"), "objectId").hasMessageContaining("U+0000").hasMessageContaining("index 1");
        assertInvalid(valid().objectType("\u0000"), "objectType").hasMessageContaining("index 0");
        assertThatThrownBy(() -> valid().opId("x\u0000").build())
                .isInstanceOfSatisfying(InvalidOpException.class, e -> {
                    assertThat(e.field()).isEqualTo("opId");
                    assertThat(e.opId()).as("an unusable op id is not echoed as the op's name").isNull();
                });
    }

    @Test
    void loneSurrogateInAnIdIsRejected() {
        assertInvalid(valid().opId("x\uD800"), "opId").hasMessageContaining("unpaired surrogate");
        assertInvalid(valid().objectId("\uDC00"), "objectId").hasMessageContaining("unpaired surrogate");
    }

    @Test
    void opIdsCompareInUtf8OrderNotUtf16Order() {
        Op tilde = valid().opId("x" + FULLWIDTH_TILDE).build();
        Op rocket = valid().opId("x" + ROCKET).build();
        Op plain = valid().opId("x").build();
        assertThat(tilde.opId().compareTo(rocket.opId())).as("UTF-16 order").isPositive();
        assertThat(tilde.compareOpId(rocket)).isNegative();
        assertThat(rocket.compareOpId(tilde)).isPositive();
        assertThat(plain.compareOpId(rocket)).isNegative();
        assertThat(rocket.compareOpId(plain)).isPositive();
        assertThat(tilde.compareOpId(valid().opId("x" + FULLWIDTH_TILDE).build())).isZero();
    }

    @Test
    void tagsAreSortedInUtf8OrderAndDeduplicated() {
        Op op = valid().tags(List.of("b", ROCKET, "a", FULLWIDTH_TILDE, "b", "a", "B")).build();
        assertThat(op.tags()).containsExactly("B", "a", "b", FULLWIDTH_TILDE, ROCKET);
    }

    @Test
    void tagsAreImmutableAndDetachedFromTheInput() {
        List<String> input = new ArrayList<>(List.of("x"));
        Op op = valid().tags(input).build();
        input.add("y");
        assertThat(op.tags()).containsExactly("x");
        assertThatThrownBy(() -> op.tags().add("z")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void missingTagsMeanNoTags() {
        assertThat(valid().tags(null).build().tags()).isEmpty();
    }

    @Test
    void opWithinDefaultLimitsPassesUnchanged() {
        Op op = valid().build();
        assertThat(op.checkLimits(Limits.defaults())).isSameAs(op);
    }

    @Test
    void idLengthIsCountedInCodePoints() {
        String id255 = ROCKET.repeat(255);
        assertThat(id255).hasSize(510);
        Op op = valid().opId(id255).objectId(id255).objectType(id255).clock(VectorClock.of(id255, 1)).build();
        assertThat(op.checkLimits(Limits.defaults())).isSameAs(op);
    }

    @Test
    void opIdOverTheLimitIsRejectedWithoutNamingTheOp() {
        Op op = valid().opId(ROCKET.repeat(256)).build();
        assertThatThrownBy(() -> op.checkLimits(Limits.defaults()))
                .isInstanceOfSatisfying(InvalidOpException.class, e -> {
                    assertThat(e.field()).isEqualTo("opId");
                    assertThat(e.opId()).isNull();
                })
                .hasMessageStartingWith("opId must be at most 255 characters, but \"")
                .hasMessageEndingWith("\" had 256");
    }

    @Test
    void longIdIsAbbreviatedInTheMessageWithoutSplittingACharacter() {
        for (String id : List.of(ROCKET.repeat(256), "x" + ROCKET.repeat(255), "y".repeat(300))) {
            Op op = valid().objectId(id).build();
            assertThatThrownBy(() -> op.checkLimits(Limits.defaults()))
                    .satisfies(e -> {
                        assertThat(e.getMessage()).hasSizeLessThan(120).contains("...");
                        assertThat(Utf8Order.firstUnstorableChar(e.getMessage())).isEqualTo(-1);
                    });
        }
    }

    @Test
    void objectIdAndTypeOverTheLimitAreRejected() {
        assertOverLimit(valid().objectId("o".repeat(256)).build(), Limits.defaults(), "objectId")
                .hasMessageStartingWith("op \"op-1\": objectId must be at most 255 characters")
                .hasMessageContaining("had 256");
        assertOverLimit(valid().objectType("t".repeat(256)).build(), Limits.defaults(), "objectType")
                .hasMessageContaining("objectType must be at most 255 characters")
                .hasMessageContaining("had 256");
    }

    @Test
    void tightenedIdLimitApplies() {
        Limits limits = Limits.defaults().withMaxIdLength(3);
        Op ok = valid().opId("abc").objectId("o" + ROCKET + "o").objectType("t").build();
        assertThat(ok.checkLimits(limits)).isSameAs(ok);
        assertOverLimit(valid().opId("abcd").objectId("o").objectType("t").build(), limits, "opId")
                .hasMessage("opId must be at most 3 characters, but \"abcd\" had 4");
    }

    @Test
    void actorIdOverTheLimitIsRejected() {
        Op op = valid().clock(VectorClock.of("c1", 1, "a".repeat(256), 2)).build();
        assertOverLimit(op, Limits.defaults(), "clock")
                .hasMessageContaining("clock actor id must be at most 255 characters")
                .hasMessageContaining("had 256");
        Op small = valid().opId("o1").objectId("n").objectType("t").clock(VectorClock.of("abc", 1, "abcd", 1)).build();
        assertOverLimit(small, Limits.defaults().withMaxIdLength(3), "clock")
                .hasMessage("op \"o1\": clock actor id must be at most 3 characters, but \"abcd\" had 4");
    }

    @Test
    void clockWithTooManyActorsIsRejected() {
        Op atLimit = valid().clock(clockWithActors(1000)).build();
        assertThat(atLimit.checkLimits(Limits.defaults())).isSameAs(atLimit);
        assertOverLimit(valid().clock(clockWithActors(1001)).build(), Limits.defaults(), "clock")
                .hasMessage("op \"op-1\": clock must have at most 1000 actors, but had 1001");
        assertOverLimit(valid().clock(clockWithActors(3)).build(), Limits.defaults().withMaxClockActors(2), "clock")
                .hasMessageContaining("at most 2 actors, but had 3");
    }

    @Test
    void tooManyTagsAreRejected() {
        Op atLimit = valid().tags(tags(64)).build();
        assertThat(atLimit.checkLimits(Limits.defaults())).isSameAs(atLimit);
        assertOverLimit(valid().tags(tags(65)).build(), Limits.defaults(), "tags")
                .hasMessage("op \"op-1\": tags must have at most 64 entries, but had 65");
        assertOverLimit(valid().tags(tags(3)).build(), Limits.defaults().withMaxTags(2), "tags")
                .hasMessageContaining("at most 2 entries, but had 3");
    }

    @Test
    void tagOverTheLengthLimitIsRejected() {
        Op atLimit = valid().tags(List.of(ROCKET.repeat(128))).build();
        assertThat(atLimit.checkLimits(Limits.defaults())).isSameAs(atLimit);
        assertOverLimit(valid().tags(List.of("ok", "t".repeat(129))).build(), Limits.defaults(), "tags")
                .hasMessageContaining("tag must be at most 128 characters")
                .hasMessageContaining("had 129");
        assertOverLimit(valid().tags(List.of("four")).build(), Limits.defaults().withMaxTagLength(3), "tags")
                .hasMessage("op \"op-1\": tag must be at most 3 characters, but \"four\" had 4");
    }

    @Test
    void payloadOverTheByteLimitIsRejected() {
        Limits limits = Limits.defaults().withMaxPayloadBytes(10);
        Op tenBytes = valid().payload(Payload.parse("\"12345678\"")).build();
        assertThat(tenBytes.checkLimits(limits)).isSameAs(tenBytes);
        assertOverLimit(valid().payload(Payload.parse("\"123456789\"")).build(), limits, "payload")
                .hasMessage("op \"op-1\": payload must be at most 10 bytes of canonical JSON, but was 11");
    }

    @Test
    void payloadLimitCountsUtf8BytesOfTheCanonicalForm() {
        Limits limits = Limits.defaults().withMaxPayloadBytes(10);
        // four é are 8 bytes, plus two quotes: exactly 10; the input's whitespace does not count
        Op fits = valid().payload(Payload.parse("   \"\u00E9\u00E9\u00E9\u00E9\"   ")).build();
        assertThat(fits.checkLimits(limits)).isSameAs(fits);
        assertOverLimit(valid().payload(Payload.parse("\"\u00E9\u00E9\u00E9\u00E9\u00E9\"")).build(), limits, "payload")
                .hasMessageContaining("but was 12");
    }

    @Test
    void deleteHasNoPayloadToLimit() {
        Op delete = Op.delete("d1", "o1", "t", VectorClock.of("a", 1));
        assertThat(delete.checkLimits(Limits.defaults().withMaxPayloadBytes(1))).isSameAs(delete);
    }

    @Test
    void opsWithTheSameFieldsAreEqual() {
        Op a = valid().build();
        Op b = valid().tags(List.of("inbox", "inbox")).payload(Payload.parse("{ \"t\" : 1.0 }")).build();
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a.toBuilder().build()).isEqualTo(a);
    }

    @Test
    void tagOrderDoesNotMatterForEquality() {
        assertThat(valid().tags(List.of("x", "y")).build()).isEqualTo(valid().tags(List.of("y", "x")).build());
    }

    @Test
    void opsDifferingInAnyFieldAreNotEqual() {
        Op base = valid().build();
        assertThat(valid().opId("op-2").build()).isNotEqualTo(base);
        assertThat(valid().objectId("note-2").build()).isNotEqualTo(base);
        assertThat(valid().objectType("task").build()).isNotEqualTo(base);
        assertThat(valid().kind(OpKind.DELETE).payload(null).build()).isNotEqualTo(base);
        assertThat(valid().clock(VectorClock.of("c1", 2)).build()).isNotEqualTo(base);
        assertThat(valid().clock(VectorClock.of("c2", 1)).build()).isNotEqualTo(base);
        assertThat(valid().payload(Payload.parse("{\"t\":2}")).build()).isNotEqualTo(base);
        assertThat(valid().tags(List.of("inbox", "work")).build()).isNotEqualTo(base);
        assertThat(valid().tags(List.of()).build()).isNotEqualTo(base);
        assertThat(valid().timestamp(TIME.plusNanos(1)).build()).isNotEqualTo(base);
        assertThat(valid().timestamp(null).build()).isNotEqualTo(base);
        assertThat(base).isNotEqualTo(null);
        assertThat(base).isNotEqualTo("op-1");
    }

    @Test
    void toBuilderDerivesAVariant() {
        Op base = valid().build();
        Op variant = base.toBuilder().opId("op-9").build();
        assertThat(variant.opId()).isEqualTo("op-9");
        assertThat(variant.toBuilder().opId("op-1").build()).isEqualTo(base);
    }

    @Test
    void withPayloadSwapsThePayloadAndKeepsTheCausalClock() {
        Op sent = Op.update("u1", "o1", "t", VectorClock.of("~", 2).merge(VectorClock.of("a", 3)), Payload.parse("{\"b\":1}"));
        Op expanded = sent.withCausalClock(VectorClock.of("a", 3).merge(VectorClock.of("z", 9)));
        Payload later = Payload.deferred(() -> "{\"b\":1}");
        Op rebound = expanded.withPayload(later);
        assertThat(rebound.payload()).isSameAs(later);
        assertThat(rebound.causalClock()).isEqualTo(expanded.causalClock());
        assertThat(rebound.clock()).isEqualTo(sent.clock());
        assertThat(rebound).isEqualTo(sent);
        assertThat(expanded.withPayload(expanded.payload())).isSameAs(expanded);
        assertThatThrownBy(() -> sent.withPayload(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an update needs a payload");
        Op delete = Op.delete("d1", "o1", "t", VectorClock.of("a", 1));
        assertThat(delete.withPayload(null)).isSameAs(delete);
        assertThatThrownBy(() -> delete.withPayload(later)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a delete has no payload");
    }
}
