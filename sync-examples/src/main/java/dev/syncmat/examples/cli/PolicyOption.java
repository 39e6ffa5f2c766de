package dev.syncmat.examples.cli;

import dev.syncmat.core.merge.MergePolicy;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * The value of {@code --policy}: a built-in policy id ({@code delete-wins}, {@code update-wins})
 * or {@code class:com.example.MyPolicy}, a public class on the classpath with a public no-arg
 * constructor that implements {@link MergePolicy}. Every problem is a {@link UsageException}
 * whose message starts with {@code --policy:} and says what is wrong.
 */
final class PolicyOption {
    /** The prefix that names a class instead of a built-in id. */
    static final String CLASS_PREFIX = "class:";

    /** What {@code --policy} accepts, for the commands' help texts. */
    static final String DESCRIPTION = "Merge policy: delete-wins (default), update-wins, or class:NAME of a public "
            + "MergePolicy class with a public no-arg constructor on the classpath.";

    private PolicyOption() {
    }

    /**
     * The policy {@code value} names.
     *
     * @throws UsageException for an unknown id, or a class that cannot be loaded, is not a
     *                        {@link MergePolicy}, has no public no-arg constructor or fails to construct
     */
    static MergePolicy parse(String value) {
        if (!value.startsWith(CLASS_PREFIX)) {
            try {
                return MergePolicy.byId(value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--policy: " + e.getMessage() + ", or class:NAME");
            }
        }
        String name = value.substring(CLASS_PREFIX.length());
        Class<?> type;
        try {
            type = Class.forName(name, true, classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UsageException("--policy: class \"" + name + "\" cannot be loaded: " + e);
        }
        if (!MergePolicy.class.isAssignableFrom(type)) {
            throw new UsageException("--policy: class \"" + name + "\" does not implement " + MergePolicy.class.getName());
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new UsageException("--policy: class \"" + name + "\" must be public and not abstract");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new UsageException("--policy: class \"" + name + "\" has no public no-arg constructor");
        }
        MergePolicy policy;
        try {
            policy = (MergePolicy) constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new UsageException("--policy: constructing class \"" + name + "\" failed: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new UsageException("--policy: class \"" + name + "\" cannot be constructed: " + e);
        }
        String id = policy.id();
        if (id == null || id.isEmpty()) {
            throw new UsageException("--policy: class \"" + name + "\" has an empty id()");
        }
        return policy;
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : PolicyOption.class.getClassLoader();
    }
}
