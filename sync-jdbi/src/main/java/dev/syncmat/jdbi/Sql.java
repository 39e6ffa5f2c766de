package dev.syncmat.jdbi;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.statement.Update;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's SQL, loaded from {@code .sql} resources next to this class: the file of the first of
 * the dialect's folders that has one, else the common one. {@code <s>} in a file stands for the
 * schema prefix; {@code /*name*&#47;} marks where an optional fragment goes ({@link #compose}).
 *
 * <p>Statements are created with JDBI's colon-prefix parser and no template engine whatever the
 * application configured on its {@code Jdbi}, so the store's SQL means the same everywhere.
 * Thread-safe.
 */
final class Sql {
    private final Dialect dialect;
    private final String schema;
    private final String schemaPrefix;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    Sql(Dialect dialect, String schema) {
        this.dialect = dialect;
        this.schema = schema;
        this.schemaPrefix = schema == null ? "" : schema + ".";
    }

    Dialect dialect() {
        return dialect;
    }

    /** The configured schema as given (null: the connection's current one). */
    String schema() {
        return schema;
    }

    /** What {@code <s>} stands for: the schema and a dot, or nothing for the connection's own. */
    String schemaPrefix() {
        return schemaPrefix;
    }

    /** The text of statement {@code name}, schema prefix applied. */
    String text(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private String load(String name) {
        String text = null;
        for (String folder : dialect.sqlFolders()) {
            text = read("sql/" + folder + "/" + name + ".sql");
            if (text != null) {
                break;
            }
        }
        if (text == null) {
            text = read("sql/" + name + ".sql");
        }
        if (text == null) {
            throw new IllegalStateException("missing SQL resource " + name);
        }
        return text.replace("<s>", schemaPrefix);
    }

    /**
     * Statement {@code name} with each {@code /*marker*&#47;} replaced by the fragments given for it
     * (statement texts themselves, joined by newlines; none leaves the marker empty).
     *
     * @throws IllegalStateException if the statement lacks a marker that fragments are given for
     */
    String compose(String name, Map<String, java.util.List<String>> fragments) {
        String text = text(name);
        for (Map.Entry<String, java.util.List<String>> e : fragments.entrySet()) {
            String marker = "/*" + e.getKey() + "*/";
            if (!text.contains(marker)) {
                throw new IllegalStateException("statement " + name + " has no marker " + marker);
            }
            StringBuilder joined = new StringBuilder();
            for (String fragment : e.getValue()) {
                joined.append(joined.length() == 0 ? "" : "\n  ").append(text(fragment).strip());
            }
            text = text.replace(marker, joined.toString());
        }
        return text;
    }

    static String read(String resource) {
        try (InputStream in = Sql.class.getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Query query(Handle h, String name) {
        return queryText(h, text(name));
    }

    Query queryText(Handle h, String sql) {
        return h.createQuery(sql).configure(SqlStatements.class, Sql::plain);
    }

    Update update(Handle h, String name) {
        return h.createUpdate(text(name)).configure(SqlStatements.class, Sql::plain);
    }

    /** An update of the given text (e.g. one {@link #compose}d). */
    Update updateText(Handle h, String sql) {
        return h.createUpdate(sql).configure(SqlStatements.class, Sql::plain);
    }

    PreparedBatch batch(Handle h, String name) {
        return h.prepareBatch(text(name)).configure(SqlStatements.class, Sql::plain);
    }

    /** Runs one statement given as text, with the store's plain settings. */
    static void execute(Handle h, String statement) {
        h.createUpdate(statement).configure(SqlStatements.class, Sql::plain).execute();
    }

    // One shared parser: it caches what it has parsed (parsing is JDBI's most expensive step per
    // statement) and is thread-safe.
    private static final ColonPrefixSqlParser PARSER = new ColonPrefixSqlParser();

    static void plain(SqlStatements c) {
        c.setTemplateEngine(TemplateEngine.NOP).setSqlParser(PARSER);
    }
}
