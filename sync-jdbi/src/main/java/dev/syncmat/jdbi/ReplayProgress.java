package dev.syncmat.jdbi;

/**
 * How far a replay has got, reported after each page of the journal.
 *
 * @param journalOps journal entries read so far
 * @param objects    objects finished so far
 * @param changed    distinct objects found different so far (state, conflict records, or both)
 */
public record ReplayProgress(long journalOps, long objects, long changed) {
}
