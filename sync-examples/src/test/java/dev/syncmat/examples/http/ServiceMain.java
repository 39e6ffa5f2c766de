package dev.syncmat.examples.http;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.syncmat.jdbi.SyncStore;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The service in a JVM of its own, for tests that must watch its memory: {@code ServiceMain URL
 * USER PASSWORD} starts it with the default options on that database (tokens {@code tok-a} and
 * {@code tok-b}), except 8 requests per tenant so that 8 pulls of one tenant run at once, prints
 * {@code port N} on stdout, and stops when its stdin closes.
 */
public final class ServiceMain {
    private ServiceMain() {
    }

    /** Runs the service until stdin reaches its end. */
    public static void main(String[] args) throws IOException {
        ServiceOptions defaults = ServiceOptions.defaults();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        config.setMaximumPoolSize(defaults.threads());
        config.setPoolName("service-main");
        HikariConfig healthConfig = new HikariConfig();
        config.copyStateTo(healthConfig);
        healthConfig.setMaximumPoolSize(1);
        healthConfig.setPoolName("service-main-health");
        try (HikariDataSource pool = new HikariDataSource(config); HikariDataSource health = new HikariDataSource(healthConfig);
             SyncHttpService service = SyncHttpService.start(SyncStore.create(Jdbi.create(pool)),
                     Map.of("tok-a", "tenant-a", "tok-b", "tenant-b"), ServiceOptions.builder().tenantConcurrency(8).healthDataSource(health).build())) {
            System.out.println("port " + service.port());
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // Waiting for the parent to close stdin.
            }
        }
    }
}
