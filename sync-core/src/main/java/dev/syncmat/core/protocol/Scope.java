package dev.syncmat.core.protocol;

import java.util.List;

/**
 * Which objects a pull returns. Each list, when non-empty, restricts: the object's type is one
 * of {@code types}, AND its id is one of {@code ids}, AND it has at least one of {@code tags}.
 * Type and tags are the winner's, so a deleted object is matched by its tombstone's type and tags.
 *
 * @param types object types to include; empty for all
 * @param ids   object ids to include; empty for all
 * @param tags  tags of which an object needs one; empty for all
 */
public record Scope(List<String> types, List<String> ids, List<String> tags) {
    private static final Scope ALL = new Scope(List.of(), List.of(), List.of());

    /** Copies the lists; null means empty. */
    public Scope {
        types = types == null ? List.of() : List.copyOf(types);
        ids = ids == null ? List.of() : List.copyOf(ids);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** Every object. */
    public static Scope all() {
        return ALL;
    }

    /** Objects of the given types. */
    public static Scope types(String... types) {
        return new Scope(List.of(types), List.of(), List.of());
    }

    /** Objects with the given ids. */
    public static Scope ids(String... ids) {
        return new Scope(List.of(), List.of(ids), List.of());
    }

    /** Objects with any of the given tags. */
    public static Scope tags(String... tags) {
        return new Scope(List.of(), List.of(), List.of(tags));
    }

    /** Whether no list restricts. */
    public boolean isAll() {
        return types.isEmpty() && ids.isEmpty() && tags.isEmpty();
    }
}
