package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows for one statement, written in one round trip as the {@link Dialect} writes batches (one
 * statement over column arrays on PostgreSQL, from {@code sql/postgresql/arrays/}; a JDBC batch of
 * the row-wise statement on H2 and Citus). Every
 * dialect's SQL files name their parameters after the columns declared here; {@code :tenant} is
 * bound once.
 */
final class RowBatch {
    /** How a column is bound. */
    enum Type {
        TEXT(String.class),
        INT8(Long.class),
        INT4(Integer.class),
        BOOL(Boolean.class),
        /** Bound as an ISO-8601 string on PostgreSQL (cast to timestamptz[] in the SQL). */
        TIMESTAMP(String.class);

        final Class<?> arrayElement;

        Type(Class<?> arrayElement) {
            this.arrayElement = arrayElement;
        }
    }

    /** A column: its parameter name and type. */
    record Column(String name, Type type) {
    }

    private final String statement;
    private final Column[] columns;
    private final List<Object[]> rows = new ArrayList<>();

    RowBatch(String statement, Column... columns) {
        this.statement = statement;
        this.columns = columns;
    }

    static Column text(String name) {
        return new Column(name, Type.TEXT);
    }

    static Column int8(String name) {
        return new Column(name, Type.INT8);
    }

    static Column int4(String name) {
        return new Column(name, Type.INT4);
    }

    static Column bool(String name) {
        return new Column(name, Type.BOOL);
    }

    static Column timestamp(String name) {
        return new Column(name, Type.TIMESTAMP);
    }

    /** Queues a row; values in column order. */
    void add(Object... values) {
        if (values.length != columns.length) {
            throw new IllegalArgumentException(statement + " takes " + columns.length + " values, got " + values.length);
        }
        rows.add(values);
    }

    int size() {
        return rows.size();
    }

    /** Forgets the rows queued after the first {@code size}. */
    void truncate(int size) {
        rows.subList(size, rows.size()).clear();
    }

    /** Writes the queued rows (nothing when there are none), as the dialect writes batches, and forgets them. */
    void execute(Handle h, Sql sql, String tenant) {
        if (rows.isEmpty()) {
            return;
        }
        sql.dialect().write(this, h, sql, tenant);
        rows.clear();
    }

    /** Forgets the queued rows (written by other means). */
    void clear() {
        rows.clear();
    }

    String statement() {
        return statement;
    }

    Column[] columns() {
        return columns;
    }

    List<Object[]> rows() {
        return rows;
    }
}
