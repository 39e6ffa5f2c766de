package dev.syncmat.jdbi;

/**
 * How far a replay has got, reported after each page of the journal.
 *
 * @param journalOps journal entries read so far
 * @param objects    objects finished so far
 * @param changed    objects found different so far (object state or conflict records)
 */
public record ReplayProgress(long journalOps, long objects, long changed) {
}
