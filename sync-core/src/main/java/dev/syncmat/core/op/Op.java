package dev.syncmat.core.op;

import dev.syncmat.core.Limits;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.clock.ContextAliases;
import dev.syncmat.core.clock.VectorClock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One operation from a client: an update or a delete of one object, stamped with the vector clock
 * the client held when it wrote it.
 *
 * <p>Every op carries an {@code opId} (unique per tenant), an {@code objectId}, an
 * {@code objectType}, a {@link OpKind kind} and a non-empty {@link VectorClock clock}. An update
 * carries a {@link Payload} (any JSON value, including {@code null}); a delete carries none. Tags
 * are a set, kept sorted in UTF-8 byte order. The client {@code timestamp} is informational and is
 * never read by the merge.
 *
 * <p>The constructor checks the rules that hold whatever the configuration;
 * {@link #checkLimits(Limits)} checks the configurable size limits. Two ops are {@link #equals
 * equal} when every field is equal: an op id sent again with different content is an error.
 *
 * <p>Immutable and thread-safe.
 */
public final class Op {
    private final String opId;
    private final String objectId;
    private final String objectType;
    private final OpKind kind;
    private final VectorClock clock;
    // The clock the merge compares: the clock itself, or its expansion when it names a context
    // alias (see withCausalClock). Derived, so equals and hashCode leave it out.
    private final VectorClock causalClock;
    /**
     * The actor of the ops a store writes itself to resolve an object's heads past its bound: its
     * counter in a context counts those ops. Clients carry it in the clocks they build from a
     * served context, like any other entry, and may not write as it. Every other actor id starting
     * with {@code ~} but {@link ContextAliases#ACTOR} and {@link #IMPORT_ACTOR} is refused.
     */
    public static final String STORE_ACTOR = "~r";

    /**
     * The actor of the ops a store writes when it imports existing objects (a legacy system's
     * current state): each imported object gets one op with the clock {@code {"~import": 1}}.
     * Clients carry the entry in the clocks they build from a served context and may not write as it.
     */
    public static final String IMPORT_ACTOR = "~import";

    private final Payload payload;
    private final List<String> tags;
    private final Instant timestamp;
    // See Utf8Order.belowSurrogates; makes compareOpId faster.
    private final boolean opIdBelowSurrogates;

    private Op(Builder b) {
        this.opId = requireId("opId", b.opId, null);
        this.objectId = requireId("objectId", b.objectId, opId);
        this.objectType = requireId("objectType", b.objectType, opId);
        if (b.kind == null) {
            throw new InvalidOpException(opId, "kind", "kind must be \"update\" or \"delete\", but was missing");
        }
        this.kind = b.kind;
        if (b.clock == null || b.clock.isEmpty()) {
            throw new InvalidOpException(opId, "clock", "clock must have at least one actor");
        }
        for (int i = 0; i < b.clock.size(); i++) {
            String actor = b.clock.actorAt(i);
            if (actor.startsWith(ContextAliases.ACTOR) && !actor.equals(ContextAliases.ACTOR) && !actor.equals(STORE_ACTOR)
                    && !actor.equals(IMPORT_ACTOR)) {
                throw new InvalidOpException(opId, "clock", "clock actor ids starting with \"" + ContextAliases.ACTOR
                        + "\" are reserved for context aliases and the store, but the clock named \"" + abbreviate(actor) + "\"");
            }
        }
        this.clock = b.clock;
        this.causalClock = b.clock;
        if (kind == OpKind.UPDATE && b.payload == null) {
            throw new InvalidOpException(opId, "payload", "payload is required for an update (use JSON null for an empty one)");
        }
        if (kind == OpKind.DELETE && b.payload != null) {
            throw new InvalidOpException(opId, "payload", "payload must be absent for a delete");
        }
        this.payload = b.payload;
        this.tags = normalizeTags(b.tags, opId);
        this.timestamp = b.timestamp;
        this.opIdBelowSurrogates = Utf8Order.belowSurrogates(opId);
    }

    private Op(Op sent, VectorClock causalClock) {
        this(sent, causalClock, sent.payload);
    }

    private Op(Op sent, VectorClock causalClock, Payload payload) {
        this.opId = sent.opId;
        this.objectId = sent.objectId;
        this.objectType = sent.objectType;
        this.kind = sent.kind;
        this.clock = sent.clock;
        this.causalClock = causalClock;
        this.payload = payload;
        this.tags = sent.tags;
        this.timestamp = sent.timestamp;
        this.opIdBelowSurrogates = sent.opIdBelowSurrogates;
    }

    private static String requireId(String field, String value, String opId) {
        if (value == null) {
            throw new InvalidOpException(opId, field, field + " is required");
        }
        if (value.isEmpty()) {
            throw new InvalidOpException(opId, field, field + " must not be empty");
        }
        int bad = Utf8Order.firstUnstorableChar(value);
        if (bad >= 0) {
            throw new InvalidOpException(opId, field, field + " contains U+0000 or an unpaired surrogate at index " + bad);
        }
        return value;
    }

    private static List<String> normalizeTags(Collection<String> tags, String opId) {
        if (tags == null || tags.isEmpty()) {
            return List.of();
        }
        List<String> sorted = new ArrayList<>(tags.size());
        for (String tag : tags) {
            if (tag == null || tag.isEmpty()) {
                throw new InvalidOpException(opId, "tags", "tags must not contain " + (tag == null ? "null" : "an empty string"));
            }
            if (Utf8Order.firstUnstorableChar(tag) >= 0) {
                throw new InvalidOpException(opId, "tags", "tag \"" + tag + "\" contains U+0000 or an unpaired surrogate");
            }
            sorted.add(tag);
        }
        sorted.sort(Utf8Order.COMPARATOR);
        List<String> distinct = new ArrayList<>(sorted.size());
        for (String tag : sorted) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(tag)) {
                distinct.add(tag);
            }
        }
        return List.copyOf(distinct);
    }

    /** A builder; {@link Builder#build()} validates. */
    public static Builder builder() {
        return new Builder();
    }

    /** An update without tags or timestamp. */
    public static Op update(String opId, String objectId, String objectType, VectorClock clock, Payload payload) {
        return builder().opId(opId).objectId(objectId).objectType(objectType).kind(OpKind.UPDATE)
                .clock(clock).payload(payload).build();
    }

    /** A delete without tags or timestamp. */
    public static Op delete(String opId, String objectId, String objectType, VectorClock clock) {
        return builder().opId(opId).objectId(objectId).objectType(objectType).kind(OpKind.DELETE)
                .clock(clock).build();
    }

    /** A builder holding this op's fields, to derive a variant. */
    public Builder toBuilder() {
        return builder().opId(opId).objectId(objectId).objectType(objectType).kind(kind).clock(clock)
                .payload(payload).tags(tags).timestamp(timestamp);
    }

    /**
     * Checks the configurable limits.
     *
     * @throws InvalidOpException naming the first field over its limit
     */
    public Op checkLimits(Limits limits) {
        checkLength("opId", opId, limits.maxIdLength());
        checkLength("objectId", objectId, limits.maxIdLength());
        checkLength("objectType", objectType, limits.maxIdLength());
        if (clock.size() > limits.maxClockActors()) {
            throw new InvalidOpException(opId, "clock", "clock must have at most " + limits.maxClockActors()
                    + " actors, but had " + clock.size());
        }
        for (int i = 0; i < clock.size(); i++) {
            String actor = clock.actorAt(i);
            int len = Limits.codePointLength(actor);
            if (len > limits.maxIdLength()) {
                throw new InvalidOpException(opId, "clock", "clock actor id must be at most " + limits.maxIdLength()
                        + " characters, but \"" + abbreviate(actor) + "\" had " + len);
            }
        }
        if (tags.size() > limits.maxTags()) {
            throw new InvalidOpException(opId, "tags", "tags must have at most " + limits.maxTags() + " entries, but had " + tags.size());
        }
        for (String tag : tags) {
            int len = Limits.codePointLength(tag);
            if (len > limits.maxTagLength()) {
                throw new InvalidOpException(opId, "tags", "tag must be at most " + limits.maxTagLength()
                        + " characters, but \"" + abbreviate(tag) + "\" had " + len);
            }
        }
        if (payload != null && payload.depth() > limits.maxPayloadDepth()) {
            throw new InvalidOpException(opId, "payload", "payload must nest at most " + limits.maxPayloadDepth()
                    + " arrays or objects deep, but nested " + payload.depth());
        }
        if (payload != null && payload.utf8Length() > limits.maxPayloadBytes()) {
            throw new InvalidOpException(opId, "payload", "payload must be at most " + limits.maxPayloadBytes()
                    + " bytes of canonical JSON, but was " + payload.utf8Length());
        }
        return this;
    }

    private void checkLength(String field, String value, int max) {
        int len = Limits.codePointLength(value);
        if (len > max) {
            String reason = field + " must be at most " + max + " characters, but \"" + abbreviate(value) + "\" had " + len;
            throw new InvalidOpException(field.equals("opId") ? null : opId, field, reason);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, Character.isHighSurrogate(s.charAt(36)) ? 36 : 37) + "...";
    }

    /** Unique id of this op within its tenant. */
    public String opId() {
        return opId;
    }

    /**
     * Compares this op's id with {@code other}'s in UTF-8 byte order: the same result as
     * {@code Utf8Order.compare(opId(), other.opId())}, faster for the usual ids.
     */
    public int compareOpId(Op other) {
        return Utf8Order.compare(opId, other.opId, opIdBelowSurrogates || other.opIdBelowSurrogates);
    }

    /** Id of the object this op changes. */
    public String objectId() {
        return objectId;
    }

    /** Type of the object as this op sees it; the materialized object takes its winner's type. */
    public String objectType() {
        return objectType;
    }

    /** Update or delete. */
    public OpKind kind() {
        return kind;
    }

    /** Whether this op is a delete. */
    public boolean isDelete() {
        return kind == OpKind.DELETE;
    }

    /** The clock the op was written at; never empty. */
    public VectorClock clock() {
        return clock;
    }

    /**
     * The clock the merge compares this op by: {@link #clock()}, unless the op was given its
     * expansion with {@link #withCausalClock}. Not bounded by {@link Limits#maxClockActors()}.
     */
    public VectorClock causalClock() {
        return causalClock;
    }

    /**
     * This op, compared by the merge as if its clock were {@code expanded}; {@link #clock()} (what
     * is journaled, served and compared by {@link #equals}) stays as sent. A store gives an op whose
     * clock names a context alias the expansion {@link ContextAliases#expand} computes, which holds
     * every actor the alias stands for and may exceed the actor limit.
     *
     * @throws IllegalArgumentException if {@code expanded} names the alias actor
     */
    public Op withCausalClock(VectorClock expanded) {
        if (expanded.get(ContextAliases.ACTOR) != 0) {
            throw new IllegalArgumentException("an expanded clock names no alias, but was given " + expanded);
        }
        return expanded.equals(causalClock) ? this : new Op(this, expanded);
    }

    /**
     * This op with {@code payload} in place of its own, everything else (the causal clock too) as
     * it is: for storage adapters that keep an op read back once and give it, for each later read,
     * a deferred payload of that read ({@link Payload#deferred}, {@link Payload.Source}). The
     * payload must be the op's own (the same canonical text), or the merge is no longer
     * deterministic; this is not checked.
     *
     * @throws IllegalArgumentException if {@code payload} is null for an update or not null for a delete
     */
    public Op withPayload(Payload payload) {
        if ((kind == OpKind.UPDATE) != (payload != null)) {
            throw new IllegalArgumentException(kind == OpKind.UPDATE ? "an update needs a payload"
                    : "a delete has no payload");
        }
        return payload == this.payload ? this : new Op(this, causalClock, payload);
    }

    /** The canonical payload of an update; null for a delete. */
    public Payload payload() {
        return payload;
    }

    /** Tags, sorted in UTF-8 byte order, without duplicates. */
    public List<String> tags() {
        return tags;
    }

    /** The client's timestamp, or null. Informational only. */
    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Op)) {
            return false;
        }
        Op other = (Op) o;
        return opId.equals(other.opId) && objectId.equals(other.objectId) && objectType.equals(other.objectType)
                && kind == other.kind && clock.equals(other.clock) && Objects.equals(payload, other.payload)
                && tags.equals(other.tags) && Objects.equals(timestamp, other.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(opId, objectId, kind, clock);
    }

    @Override
    public String toString() {
        return "Op{" + opId + " " + kind.wireName() + " " + objectId + " " + clock + (payload == null ? "" : " " + abbreviate(payload.json())) + "}";
    }

    /** Collects the fields of an op. Not thread-safe. */
    public static final class Builder {
        private String opId;
        private String objectId;
        private String objectType;
        private OpKind kind;
        private VectorClock clock;
        private Payload payload;
        private Collection<String> tags;
        private Instant timestamp;

        private Builder() {
        }

        /** Sets the op id. */
        public Builder opId(String value) {
            this.opId = value;
            return this;
        }

        /** Sets the object id. */
        public Builder objectId(String value) {
            this.objectId = value;
            return this;
        }

        /** Sets the object type. */
        public Builder objectType(String value) {
            this.objectType = value;
            return this;
        }

        /** Sets the kind. */
        public Builder kind(OpKind value) {
            this.kind = value;
            return this;
        }

        /** Sets the clock. */
        public Builder clock(VectorClock value) {
            this.clock = value;
            return this;
        }

        /** Sets the payload (null for a delete). */
        public Builder payload(Payload value) {
            this.payload = value;
            return this;
        }

        /** Sets the tags (order and duplicates do not matter). */
        public Builder tags(Collection<String> value) {
            this.tags = value;
            return this;
        }

        /** Sets the client timestamp (may be null). */
        public Builder timestamp(Instant value) {
            this.timestamp = value;
            return this;
        }

        /**
         * Builds the op.
         *
         * @throws InvalidOpException when a field breaks the rules
         */
        public Op build() {
            return new Op(this);
        }
    }
}
