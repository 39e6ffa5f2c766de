package dev.syncmat.jdbi;

/**
 * A stored row the store cannot read back: it was changed behind the library's back (by hand, a
 * faulty tool, a bad restore). Not retryable. {@code replay --mode verify} reports the object as
 * differing, and a rebuild rewrites it from the journal; until then pushes to that object fail.
 */
public final class CorruptRowException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final String objectId;

    CorruptRowException(String objectId, String problem) {
        super("the stored row of object \"" + objectId + "\" cannot be read (" + problem
                + "); it was changed outside the library: repair it with replay --mode rebuild", null, false, null);
        this.objectId = objectId;
    }

    /** The object whose row is corrupt. */
    public String objectId() {
        return objectId;
    }
}
