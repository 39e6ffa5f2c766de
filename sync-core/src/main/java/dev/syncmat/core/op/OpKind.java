package dev.syncmat.core.op;

/** What an op does to its object. */
public enum OpKind {
    /** Sets the object's payload (and type and tags); resurrects a deleted object it dominates. */
    UPDATE("update"),
    /** Deletes the object, leaving a tombstone that beats concurrent updates. */
    DELETE("delete");

    private final String wireName;

    OpKind(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used on the wire and in storage: {@code update} or {@code delete}. */
    public String wireName() {
        return wireName;
    }

    /** The kind with the given wire name, or null when there is none (matching is exact). */
    public static OpKind fromWireName(String name) {
        for (OpKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
