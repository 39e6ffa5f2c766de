package dev.syncmat.jdbi;

/**
 * A tenant's counter row: the last journal and change sequence numbers handed out.
 *
 * @param journalSeq the last journal position
 * @param changeSeq  the last change sequence number (the tenant's head, which cursors point into)
 */
record Counters(long journalSeq, long changeSeq) {
    /** The counters of a tenant that has written nothing. */
    static final Counters NONE = new Counters(0, 0);
}
