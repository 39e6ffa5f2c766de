package dev.syncmat.jdbi;

import java.time.Instant;

/**
 * What a {@link SyncStore#purge purge} removed, or in a dry run would remove. Immutable.
 *
 * @param tenantId          the tenant
 * @param dryRun            whether nothing was written
 * @param horizon           the tenant's horizon after the purge (in a dry run: the one it would record)
 * @param horizonJournalSeq the last journal position before the horizon: conflict records up to it
 *                          are purged, journal entries up to it archived
 * @param horizonChangeSeq  cursors below this change number are {@code cursor_expired}
 * @param tombstones        tombstones turned into graves (removed from objects and pulls)
 * @param conflicts         conflict records removed
 * @param scopeExits        scope-exit rows removed
 * @param journalArchived   journal entries written to the archive and removed (0 without an archive)
 * @param snapshotHeads     journal entries before the horizon kept because they are heads at the
 *                          horizon: the snapshot replay starts from (0 without an archive)
 */
public record PurgeReport(String tenantId, boolean dryRun, Instant horizon, long horizonJournalSeq,
                          long horizonChangeSeq, long tombstones, long conflicts, long scopeExits,
                          long journalArchived, long snapshotHeads) {
}
