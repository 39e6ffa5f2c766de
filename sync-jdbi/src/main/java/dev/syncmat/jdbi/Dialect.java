package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * What differs between the databases the store runs on: one subclass per database, beside its SQL
 * folder ({@code sql/<folder>/} holds the statements that differ from the common ones in
 * {@code sql/}, {@code migration/<folder>/} the migrations). The rest of the store asks its
 * dialect and never tests which one it has; adding a database is one subclass, one constant of
 * {@link SqlDialect} and one SQL folder.
 *
 * <p>Stateless and thread-safe.
 */
abstract class Dialect {
    /** The public name of this dialect. */
    abstract SqlDialect kind();

    /** Folders searched for a statement before the common one, most specific first. */
    abstract List<String> sqlFolders();

    /** The folder of the migrations (Flyway's {@code {vendor}}: h2 or postgresql). */
    abstract String migrationFolder();

    /**
     * The isolation level whose transactions read every table from one snapshot taken at their
     * first statement.
     */
    abstract TransactionIsolationLevel snapshotIsolation();

    /**
     * Writes the rows of {@code batch} in one round trip: by default a JDBC batch of the row-wise
     * statement (one row, one tenant per statement), which every dialect can route.
     */
    void write(RowBatch batch, Handle h, Sql sql, String tenant) {
        writeRowWise(batch, h, sql, tenant);
    }

    /**
     * Writes the rows of both batches, journal rows first, in one round trip if the dialect can;
     * returns whether it did (else nothing was written).
     */
    boolean writeJournalWithConflicts(RowBatch journal, RowBatch conflicts, Handle h, Sql sql, String tenant) {
        return false;
    }

    /**
     * A JDBC batch of the row-wise statement: the SQL file of {@code batch}'s name in the dialect's
     * folders, else the common one.
     */
    final void writeRowWise(RowBatch batch, Handle h, Sql sql, String tenant) {
        PreparedBatch b = sql.batch(h, batch.statement());
        RowBatch.Column[] columns = batch.columns();
        for (Object[] row : batch.rows()) {
            b.bind("tenant", tenant);
            for (int c = 0; c < columns.length; c++) {
                bind(b, columns[c], row[c]);
            }
            b.add();
        }
        b.execute();
    }

    private static void bind(PreparedBatch b, RowBatch.Column column, Object v) {
        switch (column.type()) {
            case TEXT -> b.bind(column.name(), (String) v);
            case INT8 -> b.bind(column.name(), (Long) v);
            case INT4 -> b.bind(column.name(), (Integer) v);
            case BOOL -> b.bind(column.name(), (Boolean) v);
            case TIMESTAMP -> b.bind(column.name(), (OffsetDateTime) v);
        }
    }

    /**
     * Whether a push writes its journal rows optimistically behind a savepoint and looks op ids up
     * only when the unique index objects; otherwise it looks the batch's op ids up first.
     */
    abstract boolean optimisticPush();

    /**
     * Runs {@code work} on {@code h} so that concurrent migrations of the same schema, from any
     * process, run one after another; {@code schema} (or null) has been created if it was missing
     * and is the current schema while {@code work} runs.
     */
    abstract <T> T migrating(Handle h, String schema, HandleCallback<T, RuntimeException> work);

    /**
     * Limits how long the statements on {@code h} wait for a row lock and run, in milliseconds
     * (0: no limit), until the transaction ends or (where the limits are settings of the session,
     * see {@link #limitsOutliveTransaction()}) until the returned action puts the previous ones back.
     */
    abstract Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis);

    /**
     * As {@link #limitWaits(Handle, long, long)}, for work whose every statement finds or writes rows
     * by key ({@code keyed}, a push): a dialect may then plan them once instead of per execution.
     */
    Runnable limitWaits(Handle h, long lockWaitMillis, long statementMillis, boolean keyed) {
        return limitWaits(h, lockWaitMillis, statementMillis);
    }

    /** Whether the limits of {@link #limitWaits} stay set after the transaction ends. */
    boolean limitsOutliveTransaction() {
        return false;
    }

    /**
     * Tells live pulls, once the push transaction open on {@code h} commits, that the tenant has
     * changes: the push's half of the {@link #changeFeed change feed}. Called once per push
     * transaction (a group commit's included) that journaled an op, after its rows and counters
     * are written and before the commit; a rolled-back push tells nobody.
     */
    abstract void announce(Handle h, Sql sql, String tenant);

    /** The change feed of a store on this database, for its live pulls; {@code h} is connected to it. */
    abstract ChangeFeed changeFeed(org.jdbi.v3.core.Jdbi jdbi, Handle h, Sql sql);

    /** Whether the failure may go away if the same call is made again. */
    boolean isRetryable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("40") || sqlState.startsWith("53")
                || sqlState.equals("55P03") || sqlState.equals("57014")
                || sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03"));
    }

    /** Whether the failure was the loss of the connection or of the database backend. */
    boolean isConnectionLost(String sqlState) {
        return sqlState == null || sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02");
    }

    /**
     * Whether the failure was a lock wait that gave up (the tenant's counter row was held too long):
     * 55P03, or 57014 "canceling statement ... while locking tuple", which PostgreSQL reports instead
     * now and then when several sessions queue on one row.
     */
    boolean isLockTimeout(String sqlState, String message) {
        return "55P03".equals(sqlState)
                || "57014".equals(sqlState) && message != null && message.contains("while locking tuple");
    }

    /**
     * The SQLSTATE this database reports when a lock wait gives up, which the store also gives a
     * push that gave up waiting in its tenant's group-commit queue, so that a lock timeout looks
     * the same wherever the push waited.
     */
    String lockTimeoutSqlState() {
        return "55P03";
    }

    /** Whether {@code e} is the journal's unique index refusing an op id already journaled. */
    boolean isOpIdCollision(SQLException e) {
        return "23505".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("sync_journal_op_uk");
    }

    /** Whether {@code e} says a key was already taken (a concurrent insert of the same row won). */
    boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** Whether the failure says a table or schema does not exist. */
    abstract boolean isMissingTable(String sqlState);

    /** The dialect used before one is known (to classify a failure to connect). */
    static Dialect generic() {
        return PostgresDialect.INSTANCE;
    }

    /**
     * The dialect of the database {@code h} is connected to.
     *
     * @throws UnsupportedOperationException for a database the store does not support
     */
    static Dialect detect(Handle h) {
        String product;
        try {
            product = h.getConnection().getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw StoreException.wrap("reading the database product name", e, generic());
        }
        String p = product.toLowerCase(Locale.ROOT);
        if (p.equals("h2")) {
            return H2Dialect.INSTANCE;
        }
        if (p.contains("postgres")) {
            return CitusDialect.installedOn(h) ? CitusDialect.INSTANCE : PostgresDialect.INSTANCE;
        }
        throw new UnsupportedOperationException("syncmat supports PostgreSQL, Citus and H2, not " + product);
    }

    @Override
    public String toString() {
        return kind().name().toLowerCase(Locale.ROOT);
    }
}
