package dev.syncmat.jdbi;

import dev.syncmat.core.InvalidInputException;
import dev.syncmat.core.Limits;
import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.op.InvalidOpException;
import dev.syncmat.core.op.Op;
import dev.syncmat.core.protocol.Scope;

import java.util.List;
import java.util.Objects;

/** The store's checks of its arguments, made before anything touches the database. */
final class Checks {
    private Checks() {
    }

    static void tenant(StoreOptions options, String tenantId) {
        if (tenantId == null || tenantId.isEmpty()) {
            throw new InvalidInputException("tenantId", "tenantId must not be empty");
        }
        if (Utf8Order.firstUnstorableChar(tenantId) >= 0) {
            throw new InvalidInputException("tenantId", "tenantId contains U+0000 or an unpaired surrogate");
        }
        int len = Limits.codePointLength(tenantId);
        if (len > options.limits().maxIdLength()) {
            throw new InvalidInputException("tenantId", "tenantId must be at most " + options.limits().maxIdLength()
                    + " characters, but had " + len);
        }
    }

    static void push(StoreOptions options, String tenantId, List<Op> ops) {
        tenant(options, tenantId);
        Objects.requireNonNull(ops, "ops");
        if (ops.size() > options.maxPushOps()) {
            throw new InvalidInputException("ops", "a push may carry at most " + options.maxPushOps() + " ops, but had " + ops.size());
        }
        for (Op op : ops) {
            Objects.requireNonNull(op, "ops must not contain null");
            op.checkLimits(options.limits());
            if (op.opId().startsWith("~")) {
                // Reserved for the ops the store writes itself (PushWork.resolution).
                throw new InvalidOpException(op.opId(), "opId", "op ids starting with \"~\" are reserved for the store");
            }
        }
    }

    /** The import ops of {@code objects}, each checked against the limits. */
    static List<Op> importBatch(StoreOptions options, String tenantId, List<ImportedObject> objects) {
        tenant(options, tenantId);
        Objects.requireNonNull(objects, "objects");
        if (objects.size() > options.maxPushOps()) {
            throw new InvalidInputException("objects", "an import batch may carry at most " + options.maxPushOps()
                    + " objects, but had " + objects.size());
        }
        List<Op> ops = new java.util.ArrayList<>(objects.size());
        for (ImportedObject o : objects) {
            Objects.requireNonNull(o, "objects must not contain null");
            ops.add(o.toOp(options.limits()));
        }
        return ops;
    }

    /**
     * An object id to look up must be storable: pushes refuse U+0000 and unpaired surrogates, and
     * PostgreSQL fails on U+0000 in a query rather than finding nothing.
     */
    static void objectId(String objectId) {
        Objects.requireNonNull(objectId, "objectId");
        if (Utf8Order.firstUnstorableChar(objectId) >= 0) {
            throw new InvalidInputException("objectId", "objectId contains U+0000 or an unpaired surrogate");
        }
    }

    /** The page size a pull asks for, or the default. */
    static int pullLimit(StoreOptions options, Integer requested) {
        int limit = requested == null ? options.defaultPullLimit() : requested;
        if (limit < 1 || limit > options.maxPullLimit()) {
            throw new InvalidInputException("limit", "limit must be between 1 and " + options.maxPullLimit() + ", but was " + limit);
        }
        return limit;
    }

    static void scope(StoreOptions options, Scope scope) {
        scopeList(options, "scope.types", scope.types());
        scopeList(options, "scope.ids", scope.ids());
        scopeList(options, "scope.tags", scope.tags());
    }

    private static void scopeList(StoreOptions options, String field, List<String> values) {
        if (values.size() > options.maxScopeEntries()) {
            throw new InvalidInputException(field, field + " may list at most " + options.maxScopeEntries()
                    + " values, but had " + values.size());
        }
        for (String v : values) {
            if (v == null || v.isEmpty() || Utf8Order.firstUnstorableChar(v) >= 0) {
                throw new InvalidInputException(field, field + " must hold non-empty strings without U+0000 or unpaired surrogates");
            }
        }
    }
}
