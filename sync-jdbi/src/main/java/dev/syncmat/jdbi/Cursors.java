package dev.syncmat.jdbi;

import dev.syncmat.core.protocol.InvalidCursorException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Pull cursors: opaque strings that carry a change sequence number and a fingerprint of the
 * tenant they were issued to. Layout (17 bytes, base64url without padding): version byte 1,
 * the sequence number (8 bytes, big-endian), the first 8 bytes of SHA-256 over
 * {@code "syncmat-cursor\0" + tenantId} in UTF-8.
 *
 * <p>The fingerprint catches a client that mixes up accounts; it is not a secret. A forged cursor
 * can only make a client skip or repeat its own tenant's changes, since the tenant always comes
 * from the caller's credentials.
 */
final class Cursors {
    private static final byte VERSION = 1;
    private static final int LENGTH = 17;

    private Cursors() {
    }

    static String encode(String tenantId, long changeSeq) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(VERSION).putLong(changeSeq).put(fingerprint(tenantId));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The sequence number in {@code cursor}, 0 for null. Does not check it against the head. */
    static long decode(String cursor, String tenantId) {
        if (cursor == null) {
            return 0;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != LENGTH || bytes[0] != VERSION) {
            throw new InvalidCursorException(InvalidCursorException.Problem.MALFORMED,
                    "sinceCursor \"" + abbreviate(cursor) + "\" is not a cursor issued by this store");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        long seq = b.getLong();
        byte[] fp = new byte[8];
        b.get(fp);
        if (seq < 0) {
            throw new InvalidCursorException(InvalidCursorException.Problem.MALFORMED,
                    "sinceCursor \"" + abbreviate(cursor) + "\" is not a cursor issued by this store");
        }
        if (!Arrays.equals(fp, fingerprint(tenantId))) {
            throw new InvalidCursorException(InvalidCursorException.Problem.OTHER_TENANT,
                    "sinceCursor \"" + abbreviate(cursor) + "\" was issued to another tenant");
        }
        return seq;
    }

    private static byte[] fingerprint(String tenantId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("syncmat-cursor\0".getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(sha.digest(tenantId.getBytes(StandardCharsets.UTF_8)), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
