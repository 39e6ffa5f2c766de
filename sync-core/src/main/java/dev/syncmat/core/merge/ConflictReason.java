package dev.syncmat.core.merge;

/** Why one of two concurrent heads ranks above the other. */
public enum ConflictReason {
    /** A delete beats a concurrent update. */
    DELETE_WINS,
    /** An update beats a concurrent delete (only under policies that let updates win). */
    UPDATE_WINS,
    /** Both are updates and the greater canonical payload (UTF-8 bytes) wins. */
    PAYLOAD_ORDER,
    /** Nothing else differs, so the greater op id (UTF-8 bytes) wins. */
    OP_ID_ORDER
}
