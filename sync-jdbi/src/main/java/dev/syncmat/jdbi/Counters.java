package dev.syncmat.jdbi;

/**
 * A tenant's counter row: the last journal and change sequence numbers handed out, the random
 * epoch drawn when the row was created and the op id at the last journal position. Cursors name
 * the epoch and the journal position with a fingerprint of its op, so that a cursor from another
 * database, or from this one before a restore to an earlier point, is recognised ({@link Cursors}).
 *
 * @param journalSeq the last journal position
 * @param changeSeq  the last change sequence number (the tenant's head, which cursors point into)
 * @param epoch      drawn at random when the row was created (0 for rows older than schema 3)
 * @param headOpId   the op id at {@code journalSeq}, or null when the journal is empty
 * @param policyId   the id of the merge policy the tenant's state was merged with, or null when
 *                   none is recorded yet (a new tenant, or one created before schema 4)
 * @param horizonJournalSeq the last journal position before the tenant's retention horizon (0 when
 *                   it was never purged): no conflict record up to it is kept, journal rows up to it
 *                   may have been archived, and cursors issued below it are expired
 * @param horizonChangeSeq the highest change number of a row that purge removed (0 when none):
 *                   cursors issued before that removal and below it are expired
 * @param previousEpoch the epoch before the last purge batch that removed tombstones drew a new one
 *                   (0 when none did): cursors naming it were issued before that removal
 */
record Counters(long journalSeq, long changeSeq, long epoch, String headOpId, String policyId,
                long horizonJournalSeq, long horizonChangeSeq, long previousEpoch) {
    /** The counters of a tenant that has no row yet. */
    static final Counters NONE = new Counters(0, 0, 0, null, null, 0, 0, 0);

    /** These counters with another change sequence number. */
    Counters withChangeSeq(long value) {
        return new Counters(journalSeq, value, epoch, headOpId, policyId, horizonJournalSeq, horizonChangeSeq, previousEpoch);
    }

    /** These counters after the journal grew to {@code journalSeq}, ending with {@code headOpId}. */
    Counters advanced(long journalSeq, long changeSeq, String headOpId) {
        return new Counters(journalSeq, changeSeq, epoch, headOpId, policyId, horizonJournalSeq, horizonChangeSeq, previousEpoch);
    }

    /** Whether the tenant was ever purged (so some objects may have graves). */
    boolean purged() {
        return horizonJournalSeq > 0 || horizonChangeSeq > 0;
    }
}
