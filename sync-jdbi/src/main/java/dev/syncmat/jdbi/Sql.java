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
 * The store's SQL, loaded from {@code .sql} resources next to this class: a dialect-specific file
 * if there is one, else the common one. {@code <s>} in a file stands for the schema prefix.
 *
 * <p>Statements are created with JDBI's colon-prefix parser and no template engine whatever the
 * application configured on its {@code Jdbi}, so the store's SQL means the same everywhere.
 * Thread-safe.
 */
final class Sql {
    private final Dialect dialect;
    private final String schemaPrefix;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    Sql(Dialect dialect, String schema) {
        this.dialect = dialect;
        this.schemaPrefix = schema == null ? "" : schema + ".";
    }

    Dialect dialect() {
        return dialect;
    }

    /** The text of statement {@code name}, schema prefix applied. */
    String text(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private String load(String name) {
        String text = read("sql/" + dialect.directory() + "/" + name + ".sql");
        if (text == null) {
            text = read("sql/" + name + ".sql");
        }
        if (text == null) {
            throw new IllegalStateException("missing SQL resource " + name);
        }
        return text.replace("<s>", schemaPrefix);
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

    PreparedBatch batch(Handle h, String name) {
        return h.prepareBatch(text(name)).configure(SqlStatements.class, Sql::plain);
    }

    // One shared parser: it caches what it has parsed (parsing is JDBI's most expensive step per
    // statement) and is thread-safe.
    private static final ColonPrefixSqlParser PARSER = new ColonPrefixSqlParser();

    static void plain(SqlStatements c) {
        c.setTemplateEngine(TemplateEngine.NOP).setSqlParser(PARSER);
    }
}
