package dev.syncmat.examples.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the CLI prints of a database URL, and where its password comes from. */
class RedactionTest {
    @Test
    void passwordsInUrlsAreMasked() {
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/sync?user=app&password=s3cr%26t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/sync?user=app&password=***&ssl=true");
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db/sync?PASSWORD=x")).isEqualTo("jdbc:postgresql://db/sync?PASSWORD=***");
        assertThat(Redaction.jdbcUrl("jdbc:h2:./data/sync;USER=sa;PASSWORD=hunter2;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:./data/sync;USER=sa;PASSWORD=***;MODE=PostgreSQL");
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://app:hunter2@db:5432/sync")).isEqualTo("jdbc:postgresql://app:***@db:5432/sync");
        assertThat(Redaction.jdbcUrl("jdbc:mysql://db/sync?pwd=hunter2")).isEqualTo("jdbc:mysql://db/sync?pwd=***");
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/sync?user=app")).isEqualTo("jdbc:postgresql://db:5432/sync?user=app");
        assertThat(Redaction.jdbcUrl("jdbc:h2:./sync-data/sync")).isEqualTo("jdbc:h2:./sync-data/sync");
    }

    @Test
    void thePasswordComesFromTheNamedVariable() {
        DbOptions db = new DbOptions();
        db.url = "jdbc:h2:mem:x";
        db.passwordEnv = "SYNC_DB_PASSWORD";
        db.environment = Map.of("SYNC_DB_PASSWORD", "from-env")::get;
        assertThat(db.password()).isEqualTo("from-env");

        db.environment = name -> null;
        assertThatThrownBy(db::password).isInstanceOf(UsageException.class)
                .hasMessage("--password-env: environment variable SYNC_DB_PASSWORD is not set");

        db.password = "given";
        assertThatThrownBy(db::password).isInstanceOf(UsageException.class).hasMessage("give --password or --password-env, not both");
        db.passwordEnv = null;
        assertThat(db.password()).isEqualTo("given");
    }
}
