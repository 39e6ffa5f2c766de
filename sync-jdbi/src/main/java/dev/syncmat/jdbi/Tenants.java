package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Optional;

/** The per-tenant counter row. */
final class Tenants {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tenants() {
    }

    /**
     * Locks the tenant's counter row for the rest of the transaction, creating it on first use.
     *
     * @return the counters as they are now
     */
    static Counters lock(Handle h, Sql sql, String tenant) {
        Optional<Counters> row = select(h, sql, "tenant_lock", tenant);
        if (row.isPresent()) {
            return row.get();
        }
        try {
            sql.update(h, "tenant_insert").bind("tenant", tenant).bind("epoch", newEpoch()).execute();
        } catch (JdbiException e) {
            // H2 only (PostgreSQL's insert ignores conflicts): another transaction created the row first.
            SQLException cause = StoreException.findSqlException(e);
            if (cause == null || !sql.dialect().isDuplicateKey(cause)) {
                throw e;
            }
        }
        return select(h, sql, "tenant_lock", tenant).orElseThrow();
    }

    /** The counters without locking; {@link Counters#NONE} for a new tenant. */
    static Counters head(Handle h, Sql sql, String tenant) {
        return select(h, sql, "tenant_head", tenant).orElse(Counters.NONE);
    }

    static void update(Handle h, Sql sql, String tenant, Counters counters) {
        sql.update(h, "tenant_update").bind("tenant", tenant).bind("journalSeq", counters.journalSeq())
                .bind("changeSeq", counters.changeSeq()).bind("headOpId", counters.headOpId()).execute();
    }

    /**
     * Refuses work with policy {@code policyId} on a tenant whose state was merged with another
     * one. A tenant with no recorded policy (new, or created before schema 4) accepts any.
     *
     * @param doing what the refused call is, for the message: "this push", "this rebuild"
     * @throws PolicyMismatchException when another policy is recorded
     */
    static void requirePolicy(String tenant, Counters counters, String policyId, String doing) {
        if (counters.policyId() != null && !counters.policyId().equals(policyId)) {
            throw new PolicyMismatchException(tenant, counters.policyId(), policyId, doing);
        }
    }

    /** Records {@code policyId} as the policy the tenant's state is merged with. */
    static void recordPolicy(Handle h, Sql sql, String tenant, String policyId) {
        sql.update(h, "tenant_policy_update").bind("tenant", tenant).bind("policyId", policyId).execute();
    }

    /** The op id at a journal position, if the journal holds one there. */
    static Optional<String> opIdAt(Handle h, Sql sql, String tenant, long journalSeq) {
        return sql.query(h, "journal_op_at").bind("tenant", tenant).bind("journalSeq", journalSeq)
                .mapTo(String.class).findOne();
    }

    // Never 0, which marks rows created before epochs existed.
    static long newEpoch() {
        long epoch;
        do {
            epoch = RANDOM.nextLong();
        } while (epoch == 0);
        return epoch;
    }

    private static Optional<Counters> select(Handle h, Sql sql, String name, String tenant) {
        return sql.query(h, name).bind("tenant", tenant)
                .map((rs, ctx) -> new Counters(rs.getLong("journal_seq"), rs.getLong("change_seq"), rs.getLong("epoch"),
                        rs.getString("head_op_id"), rs.getString("policy_id"),
                        rs.getLong("horizon_journal_seq"), rs.getLong("horizon_change_seq"), rs.getLong("previous_epoch")))
                .findOne();
    }
}
