package dev.syncmat.core.protocol;

import java.util.List;

/**
 * One page of an object's history.
 *
 * @param entries the entries after the requested journal position, in journal order
 * @param hasMore whether more entries follow; ask again after the last entry's {@code journalSeq}
 */
public record HistoryPage(List<HistoryEntry> entries, boolean hasMore) {
    /** Copies the list. */
    public HistoryPage {
        entries = List.copyOf(entries);
    }
}
