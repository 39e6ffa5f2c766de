package dev.syncmat.jdbi;

/**
 * What an {@linkplain SyncStore#importFile import of a file} did. Immutable.
 *
 * @param tenantId     the tenant
 * @param objects      objects read (non-blank lines)
 * @param batches      transactions it took
 * @param applied      objects new to the store: their import op is their only head
 * @param merged       objects clients had written before the import: their import op is one of
 *                     several heads, with a conflict record
 * @param stale        import ops that changed nothing (an op of the object already dominated them)
 * @param duplicates   objects imported before (a re-run): nothing changed
 * @param serverCursor the tenant's head after the last batch
 */
public record ImportReport(String tenantId, long objects, long batches, long applied, long merged, long stale,
                           long duplicates, String serverCursor) {
}
