package dev.syncmat.core.merge;

import dev.syncmat.core.Utf8Order;
import dev.syncmat.core.op.Op;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory materializer over many objects of one tenant, for test suites and offline tools.
 * It behaves as the store does: it remembers every op id it has seen, so a re-sent op is a
 * {@code duplicate} and an op id reused with other content is an {@link OpIdReusedException}; a
 * batch is all or nothing.
 *
 * <p>Memory grows with the number of ops seen (their ids and content are kept to detect reuse).
 * Not thread-safe: confine an instance to one thread or synchronize externally.
 */
public final class Materializer {
    private final MergeEngine engine;
    // Looked up only, never iterated, so its order cannot leak into results.
    private final Map<String, Op> seen = new HashMap<>();
    private final TreeMap<String, ObjectState> objects = new TreeMap<>(Utf8Order.COMPARATOR);

    private Materializer(MergeEngine engine) {
        this.engine = engine;
    }

    /** A materializer with the default merge policy. */
    public static Materializer create() {
        return new Materializer(MergeEngine.create());
    }

    /** A materializer using {@code engine}. */
    public static Materializer of(MergeEngine engine) {
        return new Materializer(engine);
    }

    /** The engine in use. */
    public MergeEngine engine() {
        return engine;
    }

    /**
     * Applies one op.
     *
     * @throws OpIdReusedException if the op id was seen before with other content; nothing changes
     */
    public ApplyResult apply(Op op) {
        Op previous = seen.get(op.opId());
        if (previous != null) {
            if (!previous.equals(op)) {
                throw new OpIdReusedException(op.opId());
            }
            return new ApplyResult(op, Outcome.DUPLICATE, objects.get(op.objectId()), List.of());
        }
        ApplyResult result = engine.apply(objects.get(op.objectId()), op);
        seen.put(op.opId(), op);
        objects.put(op.objectId(), result.state());
        return result;
    }

    /**
     * Applies a batch in order, all or nothing: if any op reuses an id with other content (against
     * earlier ops or within the batch), nothing is applied.
     *
     * @throws OpIdReusedException naming the first reused id
     */
    public List<ApplyResult> applyAll(List<Op> ops) {
        Map<String, Op> batch = new HashMap<>();
        for (Op op : ops) {
            Op previous = seen.get(op.opId());
            if (previous == null) {
                previous = batch.putIfAbsent(op.opId(), op);
            }
            if (previous != null && !previous.equals(op)) {
                throw new OpIdReusedException(op.opId());
            }
        }
        List<ApplyResult> results = new ArrayList<>(ops.size());
        for (Op op : ops) {
            results.add(apply(op));
        }
        return results;
    }

    /** The state of {@code objectId}, if any op of it was applied. */
    public Optional<ObjectState> find(String objectId) {
        return Optional.ofNullable(objects.get(objectId));
    }

    /**
     * The state of {@code objectId}.
     *
     * @throws NoSuchElementException if no op of it was applied
     */
    public ObjectState get(String objectId) {
        ObjectState state = objects.get(objectId);
        if (state == null) {
            throw new NoSuchElementException("no object \"" + objectId + "\"");
        }
        return state;
    }

    /** Every object, sorted by object id in UTF-8 byte order. An unmodifiable live view. */
    public Collection<ObjectState> objects() {
        return Collections.unmodifiableCollection(objects.values());
    }

    /** Number of distinct ops seen. */
    public int opCount() {
        return seen.size();
    }
}
