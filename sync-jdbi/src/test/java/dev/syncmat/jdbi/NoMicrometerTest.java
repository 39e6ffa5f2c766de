package dev.syncmat.jdbi;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Micrometer is an optional dependency: a store built without a meter registry runs in a class
 * loader that has the test class path minus Micrometer (and the libraries only it brings).
 */
class NoMicrometerTest {
    private static final List<String> LEFT_OUT = List.of("micrometer", "HdrHistogram", "LatencyUtils");

    @Test
    void aStoreWithoutARegistryRunsWithoutMicrometerOnTheClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        int leftOut = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (LEFT_OUT.stream().anyMatch(entry::contains)) {
                leftOut++;
            } else {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        assertThat(leftOut).as("Micrometer jars found on the test class path").isPositive();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> probe = Class.forName(NoMicrometerProbe.class.getName(), true, loader);
            assertThat(probe.getClassLoader()).isSameAs(loader);
            assertThat(probe.getMethod("run").invoke(null)).isEqualTo("[applied, merged] true 1");
        }
    }
}
