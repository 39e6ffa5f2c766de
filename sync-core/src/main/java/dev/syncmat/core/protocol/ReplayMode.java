package dev.syncmat.core.protocol;

/** What a replay does with what it computes. */
public enum ReplayMode {
    /** Compute and compare with what is stored; report the differences; write nothing. */
    VERIFY("verify"),
    /** Compute and write the differences; unchanged objects keep their change sequence. */
    REBUILD("rebuild");

    private final String wireName;

    ReplayMode(String wireName) {
        this.wireName = wireName;
    }

    /** Lower-case name for reports and CLI flags. */
    public String wireName() {
        return wireName;
    }

    /** The mode with the given wire name, or null. */
    public static ReplayMode fromWireName(String name) {
        for (ReplayMode m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        return null;
    }
}
