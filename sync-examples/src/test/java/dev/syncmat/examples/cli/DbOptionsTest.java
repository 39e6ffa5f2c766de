package dev.syncmat.examples.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which URLs the CLI opens in H2's mixed mode, so that it works beside a running service. */
class DbOptionsTest {
    @Test
    void embeddedH2FileUrlsAreShared() {
        assertThat(DbOptions.sharedH2(DbOptions.DEFAULT_H2)).isEqualTo("jdbc:h2:./sync-data/sync;AUTO_SERVER=TRUE");
        assertThat(DbOptions.sharedH2("jdbc:h2:/var/lib/sync/db")).isEqualTo("jdbc:h2:/var/lib/sync/db;AUTO_SERVER=TRUE");
        assertThat(DbOptions.sharedH2("jdbc:h2:~/sync")).isEqualTo("jdbc:h2:~/sync;AUTO_SERVER=TRUE");
        assertThat(DbOptions.sharedH2("jdbc:h2:file:./x;MODE=PostgreSQL")).isEqualTo("jdbc:h2:file:./x;MODE=PostgreSQL;AUTO_SERVER=TRUE");
    }

    @Test
    void otherUrlsAndUrlsThatChooseTheirOwnLockingAreLeftAsTheyAre() {
        for (String url : new String[] {"jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", "jdbc:h2:MEM:x", "jdbc:h2:tcp://localhost/~/sync",
                "jdbc:h2:ssl://host/db", "jdbc:h2:zip:/tmp/db.zip!/db", "jdbc:h2:./x;AUTO_SERVER=FALSE",
                "jdbc:h2:./x;auto_server=true", "jdbc:h2:./x;FILE_LOCK=NO", "jdbc:postgresql://localhost/db?user=u"}) {
            assertThat(DbOptions.sharedH2(url)).as(url).isEqualTo(url);
        }
    }
}
