package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;

import java.sql.SQLException;
import java.util.List;

/**
 * Citus on its coordinator: PostgreSQL's SQL and migrations (which distribute every table by
 * {@code tenant_id}, co-located with {@code sync_tenants}, when the extension is installed), with
 * the statements Citus cannot route rewritten in {@code sql/citus/}. Every statement filters on one
 * tenant, so Citus routes it to one shard. A push looks its op ids up first instead of writing
 * behind a savepoint: a unique-index violation on a shard arrives as SQLSTATE XX000 naming the
 * shard's constraint, and a failed statement is best not part of the plan.
 */
final class CitusDialect extends PostgresDialect {
    static final CitusDialect INSTANCE = new CitusDialect();

    private CitusDialect() {
    }

    /** Whether the database {@code h} is connected to has the citus extension installed. */
    static boolean installedOn(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM pg_extension WHERE extname = 'citus'")
                .configure(SqlStatements.class, Sql::plain).mapTo(Long.class).one() > 0;
    }

    @Override
    SqlDialect kind() {
        return SqlDialect.CITUS;
    }

    @Override
    List<String> sqlFolders() {
        return List.of("citus", "postgresql");
    }

    @Override
    boolean optimisticPush() {
        return false;
    }

    /** As PostgreSQL's, or a shard's unique constraint ({@code sync_journal_op_uk_102060}) reported as XX000. */
    @Override
    boolean isOpIdCollision(SQLException e) {
        return super.isOpIdCollision(e)
                || "XX000".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("sync_journal_op_uk_");
    }

    @Override
    boolean isDuplicateKey(SQLException e) {
        return super.isDuplicateKey(e)
                || "XX000".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("duplicate key");
    }
}
