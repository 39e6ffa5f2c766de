package dev.syncmat.core.merge;

/** What applying one op did to its object. */
public enum Outcome {
    /** The op is now the object's only head: it dominated everything seen before (or was first). */
    APPLIED("applied"),
    /** The op is concurrent with another head and now stands beside it; conflicts were recorded. */
    MERGED("merged"),
    /** A head already dominates the op: it is journaled but the object did not change. */
    STALE("stale"),
    /** The op id was seen before with the same content: nothing happened. */
    DUPLICATE("duplicate");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** Whether the object's state changed. */
    public boolean changed() {
        return this == APPLIED || this == MERGED;
    }

    /** The outcome with the given wire name, or null. */
    public static Outcome fromWireName(String name) {
        for (Outcome o : values()) {
            if (o.wireName.equals(name)) {
                return o;
            }
        }
        return null;
    }
}
