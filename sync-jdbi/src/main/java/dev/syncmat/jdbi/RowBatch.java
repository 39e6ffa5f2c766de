package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows for one statement, written in one round trip. On PostgreSQL the statement takes one array
 * per column and unnests them, so the whole batch is a single statement with a single plan (much
 * cheaper per row than a JDBC batch of single-row statements, and it needs no driver flag); on H2,
 * which runs in-process, it is a plain JDBC batch of the row-wise statement. Both dialects' SQL
 * files name their parameters after the columns declared here; {@code :tenant} is bound once.
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

    /** Writes the queued rows (nothing when there are none) and forgets them. */
    void execute(Handle h, Sql sql, String tenant) {
        if (rows.isEmpty()) {
            return;
        }
        if (sql.dialect() == Dialect.POSTGRESQL) {
            Update u = sql.update(h, statement).bind("tenant", tenant);
            for (int c = 0; c < columns.length; c++) {
                List<Object> values = new ArrayList<>(rows.size());
                for (Object[] row : rows) {
                    Object v = row[c];
                    values.add(columns[c].type() == Type.TIMESTAMP && v != null ? v.toString() : v);
                }
                u.bindArray(columns[c].name(), columns[c].type().arrayElement, values);
            }
            u.execute();
        } else {
            PreparedBatch b = sql.batch(h, statement);
            for (Object[] row : rows) {
                b.bind("tenant", tenant);
                for (int c = 0; c < columns.length; c++) {
                    bind(b, columns[c], row[c]);
                }
                b.add();
            }
            b.execute();
        }
        rows.clear();
    }

    private static void bind(PreparedBatch b, Column column, Object v) {
        switch (column.type()) {
            case TEXT -> b.bind(column.name(), (String) v);
            case INT8 -> b.bind(column.name(), (Long) v);
            case INT4 -> b.bind(column.name(), (Integer) v);
            case BOOL -> b.bind(column.name(), (Boolean) v);
            case TIMESTAMP -> b.bind(column.name(), (OffsetDateTime) v);
        }
    }
}
