-- arrays/journal_insert and arrays/conflicts_insert in one statement, one round trip (composed by
-- PostgresDialect.writeJournalWithConflicts): the WITH part inserts the journal rows, the main
-- part the conflict records (their parameters have names of their own). Both run exactly once; a
-- failure of either (a unique op id taken) fails the statement and writes nothing.
WITH journal AS (
  /*journal*/
)
/*conflicts*/
