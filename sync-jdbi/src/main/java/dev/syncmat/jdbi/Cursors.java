package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.InvalidCursorException;
import org.jdbi.v3.core.Handle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Pull cursors: opaque strings that say how far a client has read and in which history. Layout
 * (41 bytes, base64url without padding): version byte 2; the change sequence number; the epoch of
 * the tenant's counter row; the journal position when the cursor was issued and the first 8 bytes
 * of SHA-256 over the op id there; the first 8 bytes of SHA-256 over
 * {@code "syncmat-cursor\0" + tenantId} (numbers are 8 bytes, big-endian).
 *
 * <p>A cursor is checked against the tenant's counter row and, unless it was issued at the current
 * journal position, one journal row: another database (or the tenant's rows recreated) has
 * another epoch; a restore to an earlier point has a shorter journal or another op at the
 * cursor's position. Either way the cursor is {@code cursor_expired} and the client starts again
 * from null. A cursor issued before the tenant's retention horizon (set by purge) is expired too:
 * from a journal position before the horizon's, or, when it names the epoch a purge replaced, from
 * below the highest change number that purge removed (see {@link PurgeWork}). A cursor
 * at change 0 has seen nothing, so it is always good. Version 1 cursors (before
 * schema 3) carry none of this and are expired.
 *
 * <p>The fingerprints catch mix-ups, they are not secrets: a forged cursor can only make a client
 * skip or repeat its own tenant's changes, since the tenant always comes from the credentials.
 */
final class Cursors {
    private static final byte VERSION = 2;
    private static final byte VERSION_1 = 1;
    private static final int LENGTH = 41;
    private static final int LENGTH_1 = 17;
    private static final String RETENTION = "was issued before the tenant's retention horizon, and what it has not seen "
            + "may be purged";

    private Cursors() {
    }

    /** Where a cursor points: a change, in the history of one life of the tenant's rows. */
    record Position(long changeSeq, long epoch, long journalSeq, long journalFingerprint) {
        /** The position of a null cursor: nothing seen yet. */
        static final Position START = new Position(0, 0, 0, 0);
    }

    /** A cursor at {@code changeSeq} in the history whose current state is {@code head}. */
    static String encode(String tenantId, Counters head, long changeSeq) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(VERSION).putLong(changeSeq).putLong(head.epoch()).putLong(head.journalSeq())
                .putLong(opFingerprint(head.headOpId())).put(tenantFingerprint(tenantId));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * The position in {@code cursor}, {@link Position#START} for null. Checks its form and tenant,
     * not its history ({@link #check}).
     */
    static Position decode(String cursor, String tenantId) {
        if (cursor == null) {
            return Position.START;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes != null && bytes.length == LENGTH_1 && bytes[0] == VERSION_1) {
            throw expired(cursor, "was issued before cursors named their history (schema version 3)");
        }
        if (bytes == null || bytes.length != LENGTH || bytes[0] != VERSION) {
            throw malformed(cursor);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        Position p = new Position(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        byte[] fp = new byte[8];
        b.get(fp);
        if (p.changeSeq() < 0 || p.journalSeq() < 0) {
            throw malformed(cursor);
        }
        if (!Arrays.equals(fp, tenantFingerprint(tenantId))) {
            throw new InvalidCursorException(InvalidCursorException.Problem.OTHER_TENANT,
                    "sinceCursor \"" + abbreviate(cursor) + "\" was issued to another tenant");
        }
        return p;
    }

    /**
     * Checks that {@code p} belongs to the history whose current state is {@code head}: one key
     * lookup at most, and none for a cursor issued at the current journal position.
     *
     * @return the change sequence to pull after
     * @throws InvalidCursorException ({@code cursor_expired}) when the history cannot serve it
     */
    static long check(Handle h, Sql sql, String tenantId, String cursor, Position p, Counters head) {
        if (p.changeSeq() == 0) {
            return 0;
        }
        // A purge that removes tombstones draws a new epoch in the same transaction; a cursor naming
        // the epoch before it was issued before that removal and is checked against the horizon.
        boolean current = p.epoch() == head.epoch();
        if (!current && (head.previousEpoch() == 0 || p.epoch() != head.previousEpoch())) {
            throw expired(cursor, head.purged()
                    ? "was issued by another database, before the tenant's rows were recreated, or before an earlier purge"
                    : "was issued by another database, or before the tenant's rows were recreated");
        }
        if (p.journalSeq() > head.journalSeq() || p.changeSeq() > head.changeSeq()) {
            throw expired(cursor, "points past the tenant's history, which was restored to an earlier point");
        }
        // Issued before the retention horizon: the cursor comes from the journal prefix purge works
        // on (a cursor at the prefix's last position has seen all of it), or it was issued before
        // tombstones were purged and may have missed some (change number below the horizon's).
        if (p.journalSeq() < head.horizonJournalSeq() || !current && p.changeSeq() < head.horizonChangeSeq()) {
            throw expired(cursor, RETENTION);
        }
        Optional<String> opThere = p.journalSeq() == head.journalSeq() ? Optional.ofNullable(head.headOpId())
                : p.journalSeq() == 0 ? Optional.empty() : Tenants.opIdAt(h, sql, tenantId, p.journalSeq());
        if (opThere.isEmpty() && p.journalSeq() > 0 && p.journalSeq() <= head.horizonJournalSeq()) {
            throw expired(cursor, RETENTION);
        }
        long fingerprint = opThere.map(Cursors::opFingerprint).orElse(0L);
        if (fingerprint != p.journalFingerprint() || p.journalSeq() > 0 && opThere.isEmpty()) {
            throw expired(cursor, "was issued in a history this database no longer has (restored to an earlier point)");
        }
        return p.changeSeq();
    }

    private static InvalidCursorException malformed(String cursor) {
        return new InvalidCursorException(InvalidCursorException.Problem.MALFORMED,
                "sinceCursor \"" + abbreviate(cursor) + "\" is not a cursor issued by this store");
    }

    private static InvalidCursorException expired(String cursor, String why) {
        return new InvalidCursorException(InvalidCursorException.Problem.EXPIRED,
                "sinceCursor \"" + abbreviate(cursor) + "\" " + why + "; drop what you hold for this scope and pull from null");
    }

    private static long opFingerprint(String opId) {
        return opId == null ? 0 : ByteBuffer.wrap(Sha256.of(opId)).getLong();
    }

    private static byte[] tenantFingerprint(String tenantId) {
        byte[] prefix = "syncmat-cursor\0".getBytes(StandardCharsets.UTF_8);
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(prefix, prefix.length + tenant.length);
        System.arraycopy(tenant, 0, all, prefix.length, tenant.length);
        return Arrays.copyOf(Sha256.of(all), 8);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
